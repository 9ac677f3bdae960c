//! The built-in PDF themes: `resumectl themes` lists them, `export --to pdf --theme NAME`
//! uses one. Every theme is read back with poppler: fonts embedded, tagged, the text in
//! reading order with every bullet, excluded items absent, hostile text literal, and a
//! second page that names the person and the page.

mod common;

use common::pdf::*;
use common::*;

#[test]
fn themes_lists_the_built_in_themes_the_default_first() {
    let env = TestEnv::empty();
    let listed = env.json(&["themes"]);
    let names: Vec<&str> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|theme| theme["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, THEMES);
    for theme in listed.as_array().unwrap() {
        let file = theme["file"].as_str().unwrap();
        assert!(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join(file)
                .is_file(),
            "{file} ships in the repository"
        );
        assert!(!theme["description"].as_str().unwrap().is_empty());
    }
    let table = env.run(&["--format", "table", "themes"]).success();
    let text = String::from_utf8_lossy(&table.get_output().stdout).into_owned();
    assert!(THEMES.iter().all(|name| text.contains(name)), "{text}");
}

#[test]
fn a_theme_outside_pdf_or_unknown_or_beside_a_template_is_refused() {
    let env = TestEnv::migrated();
    let id = env.create_record("Themed");
    let unknown = env.run(&[
        "--format", "table", "export", &id, "--to", "pdf", "--theme", "loud",
    ]);
    let stderr =
        String::from_utf8_lossy(&unknown.exits(Exit::Usage).get_output().stderr).into_owned();
    assert!(
        stderr.contains("classic, compact, modern, banner"),
        "names the themes: {stderr}"
    );
    env.run(&["export", &id, "--to", "md", "--theme", "modern"])
        .exits(Exit::Usage);
    let template = env.write("mine.typ", "= Mine");
    let template = template.display().to_string();
    env.run(&[
        "export",
        &id,
        "--to",
        "pdf",
        "--theme",
        "modern",
        "--template",
        &template,
    ])
    .exits(Exit::Usage);
}

#[test]
fn every_theme_embeds_its_fonts_is_tagged_and_reads_in_order_without_what_is_excluded() {
    if !poppler("theme test") {
        return;
    }
    let env = TestEnv::migrated();
    let id = env.create_record_as(USER, "Themes", &hard_document());
    for theme in THEMES {
        let path = export_theme(&env, &id, theme, &[]).0;
        assert_fonts_embedded(&env, &path);
        let info = tool(&env, "pdfinfo", &path);
        assert!(info.contains("Tagged:          yes"), "{theme}: {info}");
        let text = tool(&env, "pdftotext", &path);
        assert_in_order(
            &text,
            &[
                "Zoë Łukasiewicz-Ångström",
                "EXPERIENCE",
                "Senior Data Engineer",
                "Northwind Pay",
                "Mar 2021",
                "Built #read(\"/etc/passwd\") and $x$ *bold* <script>alert(1)</script> pipelines",
                "Ελληνικά και русский текст: Ärger, façade, naïve",
                "EDUCATION",
                "Technical University of Munich",
                "SKILLS",
            ],
        );
        assert!(
            !text.contains("SUMMARY"),
            "{theme}: the summary is excluded"
        );
        assert!(
            !text.contains("Contoso Bank"),
            "{theme}: the second job is excluded"
        );
    }
}

#[test]
fn a_long_resume_names_the_person_and_the_page_from_page_two_in_every_theme() {
    if !poppler("theme pages test") {
        return;
    }
    let env = TestEnv::migrated();
    let id = env.create_record_as(USER, "Long", &long_document());
    let mut previous = None;
    for theme in THEMES {
        let path = export_theme(&env, &id, theme, &[]).0;
        let count = pages(&env, &path);
        assert!(count >= 2, "{theme}: {count} page(s)");
        let page_two = env
            .program("pdftotext")
            .args(["-f", "2", "-l", "2"])
            .arg(&path)
            .arg("-")
            .output()
            .unwrap();
        let page_two = String::from_utf8_lossy(&page_two.stdout).into_owned();
        assert!(
            page_two.contains("Jane Doe"),
            "{theme}: page 2 names the person: {page_two}"
        );
        let compact: String = page_two.split_whitespace().collect();
        assert!(
            compact.contains(&format!("2/{count}")),
            "{theme}: page 2 says where it is: {page_two}"
        );
        // Every bullet, in order, each whole on one page.
        let text = tool(&env, "pdftotext", &path);
        let bullets: Vec<String> = (0..8)
            .flat_map(|n| (0..8).map(move |b| format!("Job {n} achievement {b}")))
            .collect();
        let needles: Vec<&str> = bullets.iter().map(String::as_str).collect();
        assert_in_order(&text, &needles);
        // The themes differ: not the same file under four names.
        let bytes = std::fs::read(&path).unwrap();
        assert_ne!(
            previous.as_ref(),
            Some(&bytes),
            "{theme} looks like the theme before"
        );
        previous = Some(bytes);
    }
}

/// Page 1 rendered by pdftoppm: its RGB pixels.
fn page_pixels(env: &TestEnv, pdf: &std::path::Path) -> Vec<u8> {
    let stem = env.path("page");
    let status = env
        .program("pdftoppm")
        .args(["-r", "40", "-f", "1", "-l", "1", "-singlefile"])
        .arg(pdf)
        .arg(&stem)
        .status()
        .unwrap();
    assert!(status.success());
    let ppm = std::fs::read(stem.with_extension("ppm")).unwrap();
    // P6, width, height, 255, then the pixels: the header is four whitespace-separated
    // fields.
    let mut fields = 0;
    let mut start = 0;
    for (at, byte) in ppm.iter().enumerate() {
        if byte.is_ascii_whitespace() && at > 0 && !ppm[at - 1].is_ascii_whitespace() {
            fields += 1;
            if fields == 4 {
                start = at + 1;
                break;
            }
        }
    }
    ppm[start..].to_vec()
}

#[test]
fn design_options_change_every_theme_and_bad_ones_are_named() {
    if !poppler("design test") {
        return;
    }
    let env = TestEnv::migrated();
    let id = env.create_record("Designed");
    let red = [0xcc, 0x00, 0x00];
    for theme in THEMES {
        let plain = export_theme(&env, &id, theme, &[]).0;
        assert_eq!(
            pixels_near(&page_pixels(&env, &plain), 3, red),
            0,
            "{theme}: no red by default"
        );
        let file = env.path(&format!("red-{theme}.pdf")).display().to_string();
        env.run(&[
            "export",
            &id,
            "--to",
            "pdf",
            "--theme",
            theme,
            "--design",
            "accent=#cc0000",
            "--design",
            "font=DejaVu Sans",
            "--design",
            "margin=12mm",
            "-o",
            &file,
        ])
        .success();
        let reds = pixels_near(&page_pixels(&env, std::path::Path::new(&file)), 3, red);
        assert!(
            reds > 50,
            "{theme}: the accent colours the headings and rules ({reds} pixels)"
        );
        let fonts = tool(&env, "pdffonts", std::path::Path::new(&file));
        assert!(fonts.contains("DejaVuSans"), "{theme}: {fonts}");
    }
    for (given, named) in [
        ("colour=#cc0000", "no such design key"),
        ("accent=red", "is not a colour"),
        ("font=Comic Sans", "Libertinus Serif, DejaVu Sans"),
        ("font-size=99", "6 to 24"),
        ("margin=2", "mm, cm or in"),
        ("line-spacing=x", "0.5 to 3"),
    ] {
        let assert = env
            .run(&["export", &id, "--to", "pdf", "--design", given])
            .exits(Exit::Usage);
        let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
        assert!(
            stderr.contains(&format!("--design {given}")) && stderr.contains(named),
            "{stderr}"
        );
    }
    env.run(&["export", &id, "--to", "md", "--design", "accent=#cc0000"])
        .exits(Exit::Usage);
}

#[test]
fn the_config_files_design_table_applies_and_a_flag_overrides_it() {
    if !poppler("design config test") {
        return;
    }
    let env = TestEnv::migrated();
    let id = env.create_record("Configured");
    let config = env.write(
        "config.toml",
        "[design]\npaper = \"letter\"\nfont-size = 11\n",
    );
    let config = config.display().to_string();
    let file = env.path("configured.pdf");
    let file_arg = file.display().to_string();
    env.run(&[
        "--config", &config, "export", &id, "--to", "pdf", "-o", &file_arg,
    ])
    .success();
    assert!(tool(&env, "pdfinfo", &file).contains("(letter)"));
    env.run(&[
        "--config", &config, "export", &id, "--to", "pdf", "-o", &file_arg, "--paper", "a4",
        "--force",
    ])
    .success();
    assert!(
        tool(&env, "pdfinfo", &file).contains("(A4)"),
        "--paper wins over the file"
    );
    let bad = env.write("bad.toml", "[design]\nmargin = \"wide\"\n");
    let bad = bad.display().to_string();
    let assert = env
        .run(&[
            "--config", &bad, "export", &id, "--to", "pdf", "-o", &file_arg,
        ])
        .exits(Exit::Usage);
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    assert!(
        stderr.contains("design.margin in") && stderr.contains("bad.toml"),
        "{stderr}"
    );
}

#[test]
fn the_html_follows_the_theme_and_the_design_and_is_made_again_when_they_change() {
    let env = TestEnv::migrated();
    let id = env.create_record("Themed page");
    let file = env.path("page.html");
    let file_arg = file.display().to_string();
    let export = |extra: &[&str]| {
        let mut args = vec!["export", &id, "--to", "html", "-o", &file_arg];
        args.extend_from_slice(extra);
        let report = env.json(&args);
        (report, std::fs::read_to_string(&file).unwrap())
    };
    let (_, plain) = export(&[]);
    assert!(plain.contains("font-family:'Libertinus Serif'"), "{plain}");
    let (report, modern) = export(&["--theme", "modern"]);
    assert_eq!(report["reused"], false, "another theme is another page");
    assert!(modern.contains("font-family:'DejaVu Sans'"), "{modern}");
    assert!(
        modern.contains("border-bottom:1px solid #0b6e8a"),
        "{modern}"
    );
    let (report, _) = export(&["--theme", "modern"]);
    assert_eq!(report["reused"], true);
    let (report, banner) = export(&[
        "--theme",
        "banner",
        "--design",
        "accent=#8a1c7c",
        "--paper",
        "letter",
    ]);
    assert_eq!(report["reused"], false);
    assert!(banner.contains("header{background:#8a1c7c"), "{banner}");
    assert!(banner.contains("@page{size:letter"), "{banner}");
    // Still one self-contained page that loads nothing.
    assert!(banner.contains("default-src 'none'"));
}
