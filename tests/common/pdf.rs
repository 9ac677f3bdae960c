//! Reading an exported PDF back with poppler (pdfinfo, pdffonts, pdftotext), and the
//! documents PDF tests render.

use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use super::servers::require_tool;
use super::{TestEnv, example};

/// The built-in themes, the default first.
pub const THEMES: [&str; 4] = ["classic", "compact", "modern", "banner"];

/// `export ID --to pdf --theme THEME` (table form) with `extra` flags, into a file of its
/// own: the file, and what stderr said.
pub fn export_theme(env: &TestEnv, id: &str, theme: &str, extra: &[&str]) -> (PathBuf, String) {
    let file = env.path(&format!("{theme}-{id}.pdf"));
    let file_arg = file.display().to_string();
    let args = [
        "--format", "table", "export", id, "--to", "pdf", "--theme", theme, "-o", &file_arg,
    ];
    let run = env.run(&[&args[..], extra].concat()).success();
    let stderr = String::from_utf8_lossy(&run.get_output().stderr).into_owned();
    (file, stderr)
}

pub fn tool(env: &TestEnv, name: &str, file: &Path) -> String {
    let output = env
        .program(name)
        .arg(file)
        .args(if name == "pdftotext" {
            vec!["-"]
        } else {
            vec![]
        })
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{name}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

pub fn poppler(test: &str) -> bool {
    require_tool("pdftotext", "poppler-utils", test)
}

/// A document with the hard cases: text outside ASCII, text that looks like markup, a
/// section and a job excluded.
pub fn hard_document() -> Value {
    let mut document = example();
    document["resume_json"]["name"] = json!("Zoë Łukasiewicz-Ångström");
    document["resume_json"]["experience"][0]["bullets"] = json!([
        "Built #read(\"/etc/passwd\") and $x$ *bold* <script>alert(1)</script> pipelines",
        "Ελληνικά και русский текст: Ärger, façade, naïve",
    ]);
    document["ui"]["professional_summary"]["include"] = json!(false);
    document["ui"]["work_experience"]["items"][1]["include"] = json!(false);
    document
}

/// Every position of `needles` in `text`, which must all be there, in this order.
pub fn assert_in_order(text: &str, needles: &[&str]) {
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut from = 0;
    for needle in needles {
        let needle = needle.split_whitespace().collect::<Vec<_>>().join(" ");
        let found = flat[from..]
            .find(&needle)
            .unwrap_or_else(|| panic!("{needle:?} missing (or out of order) in:\n{flat}"));
        from += found + needle.len();
    }
}

/// The number of pages pdfinfo counts.
pub fn pages(env: &TestEnv, path: &Path) -> u32 {
    tool(env, "pdfinfo", path)
        .lines()
        .find_map(|line| line.strip_prefix("Pages:"))
        .expect("pdfinfo names the pages")
        .trim()
        .parse()
        .expect("a page count")
}

/// Every font embedded (pdffonts' `emb` column), and at least one font.
pub fn assert_fonts_embedded(env: &TestEnv, path: &Path) {
    let fonts = tool(env, "pdffonts", path);
    let rows: Vec<&str> = fonts.lines().skip(2).collect();
    assert!(!rows.is_empty(), "{fonts}");
    for row in rows {
        // name, type, encoding, then emb sub uni object id: every font embedded.
        let columns: Vec<&str> = row.split_whitespace().collect();
        assert_eq!(columns[columns.len() - 5], "yes", "not embedded: {row}");
    }
}

/// The example with eight jobs of eight bullets: more than one page in every theme.
pub fn long_document() -> Value {
    let mut document = example();
    let jobs = document["resume_json"]["experience"]
        .as_array()
        .unwrap()
        .clone();
    let items = document["ui"]["work_experience"]["items"]
        .as_array()
        .unwrap()
        .clone();
    let (mut all_jobs, mut all_items) = (Vec::new(), Vec::new());
    for n in 0..8 {
        let mut job = jobs[n % 2].clone();
        job["company"] = json!(format!("Company {n}"));
        job["bullets"] = json!(
            (0..8)
                .map(|b| format!("Job {n} achievement {b}"))
                .collect::<Vec<_>>()
        );
        let mut item = items[n % 2].clone();
        item["company"] = job["company"].clone();
        item["include"] = json!(true);
        all_jobs.push(job);
        all_items.push(item);
    }
    document["resume_json"]["experience"] = json!(all_jobs);
    document["ui"]["work_experience"]["items"] = json!(all_items);
    document
}

/// How many pixels (each `channels` bytes, RGB first) are close to `rgb`.
pub fn pixels_near(pixels: &[u8], channels: usize, rgb: [u8; 3]) -> usize {
    pixels
        .chunks(channels)
        .filter(|pixel| {
            pixel
                .iter()
                .zip(rgb)
                .all(|(got, want)| got.abs_diff(want) < 40)
        })
        .count()
}
