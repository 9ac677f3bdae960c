//! Every script renders, or says why not: Chinese, Arabic and Hebrew (right to left),
//! Devanagari and emoji in every theme, from the embedded fonts and the system's; the
//! fonts of --font-path and RESUMECTL_FONT_PATH; a character no font has named on stderr
//! with its place in the document; Typst's own warnings passed on.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{Value, json};

use common::pdf::*;
use common::*;

/// The fonts these tests find on the system (Debian's packages, which .ci/run installs):
/// family, package.
const SYSTEM_FONTS: [(&str, &str); 3] = [
    ("WenQuanYi Micro Hei", "fonts-wqy-microhei"),
    ("Lohit Devanagari", "fonts-lohit-deva"),
    ("Noto Color Emoji", "fonts-noto-color-emoji"),
];

/// Whether fontconfig lists `family`; under CI=true a missing one fails the test, else
/// the test is skipped, loudly.
fn require_font(family: &str, package: &str, test: &str) -> bool {
    let listed = Command::new("fc-list")
        .args([":", "family", "file"])
        .output()
        .map(|output| String::from_utf8_lossy(&output.stdout).into_owned())
        .unwrap_or_default();
    if listed.contains(family) {
        return true;
    }
    if std::env::var("CI").is_ok_and(|value| value == "true") {
        panic!("{test}: the font {family:?} is not installed; .ci/run installs {package}");
    }
    eprintln!("\n*** SKIPPED {test}: the font {family:?} is not installed ({package}) ***\n");
    false
}

fn require_fonts(test: &str) -> bool {
    poppler(test)
        && SYSTEM_FONTS
            .iter()
            .all(|(family, package)| require_font(family, package, test))
}

/// The file fontconfig has for `family`.
fn font_file(family: &str) -> PathBuf {
    let output = Command::new("fc-match")
        .args(["--format=%{file}", family])
        .output()
        .expect("fc-match");
    PathBuf::from(String::from_utf8_lossy(&output.stdout).into_owned())
}

/// The example with a name in Chinese and an emoji, companies in Arabic and Hebrew, and
/// a summary in Hindi.
fn world_document() -> Value {
    let mut document = example();
    let resume = &mut document["resume_json"];
    resume["name"] = json!("李明 Li Ming 🚀");
    resume["experience"][0]["company"] = json!("شركة الدفع");
    resume["experience"][1]["company"] = json!("בנק קונטוסו");
    resume["summary"] = json!("डेटा इंजीनियर with 8 years in payments.");
    document
}

/// pdftotext's reading of `file`, without the direction marks it puts around right to
/// left runs.
fn text_of(env: &TestEnv, file: &Path) -> String {
    tool(env, "pdftotext", file)
        .chars()
        .filter(|c| !matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}'))
        .collect()
}

#[test]
fn every_script_renders_in_every_theme_without_a_warning() {
    if !require_fonts("script test") {
        return;
    }
    let env = TestEnv::migrated();
    let id = env.create_record_as(USER, "World", &world_document());
    for theme in THEMES {
        let (file, stderr) = export_theme(&env, &id, theme, &[]);
        assert!(!stderr.contains("warning"), "{theme}: {stderr}");
        let text = text_of(&env, &file);
        for needle in ["李明 Li Ming", "🚀", "شركة الدفع", "בנק קונטוסו", "डेटा"]
        {
            assert!(text.contains(needle), "{theme}: {needle:?} in\n{text}");
        }
        assert_fonts_embedded(&env, &file);
        let fonts = tool(&env, "pdffonts", &file);
        for family in ["WenQuanYiMicroHei", "Lohit-Devanagari", "DejaVuSans"] {
            assert!(fonts.contains(family), "{theme}: {family} in\n{fonts}");
        }
    }
}

#[test]
fn a_character_no_font_has_is_named_with_its_place_and_the_export_goes_on() {
    let env = TestEnv::migrated();
    let document = example_with(
        "/resume_json/experience/0/bullets/1",
        json!("Deciphered Linear A \u{10600}\u{10601} tablets"),
    );
    let id = env.create_record_as(USER, "Linear A", &document);
    let file = env.path("linear-a.pdf");
    let file_arg = file.display().to_string();
    // A machine may have a font for it (Noto Sans Linear A): not these tests'.
    let export = |format: &str| {
        let args = [
            "--format", format, "export", &id, "--to", "pdf", "-o", &file_arg,
        ];
        env.run(&[&args[..], &["--ignore-system-fonts"]].concat())
            .success()
    };
    let run = export("table");
    let stderr = stderr_text(&run);
    assert!(
        stderr.contains(
            "warning: no font has '\u{10600}' (U+10600), '\u{10601}' (U+10601) at \
             /resume_json/experience/0/bullets/1\n"
        ),
        "{stderr}"
    );
    assert!(stderr.contains("--font-path DIR"), "{stderr}");
    assert!(file.is_file());
    // In JSON: one object a line on stderr, and the report says it too.
    let run = export("json");
    let report = json_stdout(&run);
    let warnings = report["warnings"]
        .as_array()
        .expect("the report's warnings");
    assert!(
        warnings[0].as_str().unwrap().contains("U+10600"),
        "{report}"
    );
    for line in stderr_text(&run).lines() {
        let line: Value = serde_json::from_str(line).expect("a JSON line");
        assert!(line["warning"].is_string(), "{line}");
    }
    // Text every font has: no warning, and no warnings in the report.
    let plain = env.create_record("Plain");
    let run = env
        .run(&[
            "export",
            &plain,
            "--to",
            "pdf",
            "-o",
            &env.path("plain.pdf").display().to_string(),
        ])
        .success();
    assert_eq!(stderr_text(&run), "");
    assert!(json_stdout(&run).get("warnings").is_none());
}

#[test]
fn font_path_and_its_variable_add_fonts_and_the_system_fonts_can_be_left_out() {
    let (family, package) = SYSTEM_FONTS[0];
    if !poppler("font path test") || !require_font(family, package, "font path test") {
        return;
    }
    let env = TestEnv::migrated();
    let id = env.create_record_as(USER, "World", &world_document());
    let file = env.path("world.pdf");
    let file_arg = file.display().to_string();
    let export = |extra: &[&str], variable: Option<&str>| {
        let mut command = env.cmd();
        command.args([
            "--format", "table", "export", &id, "--to", "pdf", "-o", &file_arg,
        ]);
        command.args(["--ignore-system-fonts"]).args(extra);
        if let Some(value) = variable {
            command.env("RESUMECTL_FONT_PATH", value);
        }
        stderr_text(&command.assert().success())
    };
    // Without the system's fonts, the Chinese name has none.
    let stderr = export(&[], None);
    assert!(
        stderr.contains("'李' (U+674E)") && stderr.contains("at /resume_json/name"),
        "{stderr}"
    );
    // A folder holding the font (below another folder: it is searched recursively).
    let folder = env.path("fonts");
    std::fs::create_dir_all(folder.join("cjk")).unwrap();
    let source = font_file(family);
    std::fs::copy(
        &source,
        folder.join("cjk").join(source.file_name().unwrap()),
    )
    .unwrap();
    let folder_arg = folder.display().to_string();
    let stderr = export(&["--font-path", &folder_arg], None);
    assert!(!stderr.contains("U+674E"), "{stderr}");
    assert!(text_of(&env, &file).contains("李明"));
    assert!(tool(&env, "pdffonts", &file).contains("WenQuanYiMicroHei"));
    // The variable, a list like PATH's.
    let stderr = export(&[], Some(&format!("{folder_arg}:{folder_arg}")));
    assert!(!stderr.contains("U+674E"), "{stderr}");
    // A folder that is not there, or a font file instead of its folder: exit 2, named.
    let font = folder.join("cjk").join(source.file_name().unwrap());
    for wrong in ["/nonexistent/fonts", font.to_str().unwrap()] {
        let refused = env.run(&[
            "export",
            &id,
            "--to",
            "pdf",
            "-o",
            &file_arg,
            "--font-path",
            wrong,
        ]);
        let message = error_message(&refused.exits(Exit::Usage));
        assert!(
            message.contains("--font-path") && message.contains(wrong),
            "{message}"
        );
    }
    // Fonts are for typeset exports only.
    let refused = env.run(&[
        "export",
        &id,
        "--to",
        "md",
        "--ignore-system-fonts",
        "-o",
        "-",
    ]);
    assert!(error_message(&refused.exits(Exit::Usage)).contains("--ignore-system-fonts"));
}

#[test]
fn typst_warnings_reach_the_user() {
    let env = TestEnv::migrated();
    let id = env.create_record("Warned");
    let template = env.write(
        "warned.typ",
        "#set text(font: \"No Such Family\")\n#let data = json(\"/resume.json\")\n= #data.name\n",
    );
    let file = env.path("warned.pdf");
    let run = env
        .run(&[
            "--format",
            "table",
            "export",
            &id,
            "--to",
            "pdf",
            "--template",
            &template.display().to_string(),
            "-o",
            &file.display().to_string(),
        ])
        .success();
    let stderr = stderr_text(&run);
    assert!(
        stderr.contains("warning: ")
            && stderr.contains("warned.typ:1:17: unknown font family: no such family\n"),
        "{stderr}"
    );
}
