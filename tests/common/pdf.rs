//! Reading an exported PDF back with poppler (pdfinfo, pdffonts, pdftotext), and the
//! documents PDF tests render.

use std::path::Path;

use serde_json::{Value, json};

use super::servers::require_tool;
use super::{TestEnv, example};

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
