use serde_json::{Value, json};

use super::*;

fn example() -> Value {
    serde_json::from_str(include_str!(
        "../../../../../examples/structured_output.json"
    ))
    .unwrap()
}

fn of(old: &Value, new: &Value) -> String {
    let mut summary = Summary::default();
    summary.document(Some(old), Some(new));
    summary.finish(None)
}

fn edited(edit: impl FnOnce(&mut Value)) -> Value {
    let mut document = example();
    edit(&mut document);
    document
}

#[test]
fn a_part_kept_in_several_places_is_named_once() {
    let new = edited(|d| {
        for pointer in [
            "/resume_json/summary",
            "/targeting/summary",
            "/ui/professional_summary/primary",
        ] {
            *d.pointer_mut(pointer).unwrap() = json!("Another summary.");
        }
    });
    assert_eq!(of(&example(), &new), "summary edited");
    let hidden = edited(|d| d["ui"]["professional_summary"]["include"] = json!(false));
    assert_eq!(of(&example(), &hidden), "summary hidden");
    assert_eq!(of(&hidden, &example()), "summary shown");
}

#[test]
fn experience_is_said_item_by_item_and_bullets_are_counted() {
    let new = edited(|d| {
        let bullets = d["resume_json"]["experience"][0]["bullets"]
            .as_array_mut()
            .unwrap();
        bullets[0] = json!("Reworded.");
        bullets.push(json!("One more."));
        bullets.push(json!("And another."));
    });
    assert_eq!(
        of(&example(), &new),
        "experience 1: 2 bullets added, 1 changed"
    );
    let inserted = edited(|d| {
        let items = d["resume_json"]["experience"].as_array_mut().unwrap();
        items.insert(
            0,
            json!({"company": "New Co", "title": "Lead", "bullets": ["a"]}),
        );
    });
    assert_eq!(of(&example(), &inserted), "experience 1 added");
    assert_eq!(of(&inserted, &example()), "experience 1 removed");
    let dates = edited(|d| {
        d["resume_json"]["experience"][1]["end_date"] = json!("Dec 2025");
        d["resume_json"]["experience"][1]["title"] = json!("Boss");
    });
    assert_eq!(of(&example(), &dates), "experience 2: dates, title edited");
    let shown = edited(|d| d["ui"]["work_experience"]["items"][0]["include"] = json!(false));
    assert_eq!(of(&example(), &shown), "experience 1 hidden");
}

#[test]
fn skills_are_counted_across_groups_without_pairing() {
    let new = edited(|d| {
        let tools = d["skills_block"]["Tools"].as_array_mut().unwrap();
        tools.remove(0);
        tools.extend([json!("Rust"), json!("Go"), json!("Zig")]);
    });
    assert_eq!(of(&example(), &new), "skills: 3 added, 1 removed");
    let moved = edited(|d| {
        let tool = d["skills_block"]["Tools"].as_array_mut().unwrap().remove(0);
        d["skills_block"]["Domain"]
            .as_array_mut()
            .unwrap()
            .push(tool);
    });
    assert_eq!(of(&example(), &moved), "skills regrouped");
}

#[test]
fn other_parts_and_unknown_keys_are_named() {
    let new = edited(|d| {
        d["cover_note"]["body"] = json!("x");
        d["qa"]["warnings"] = json!(["w"]);
        d["x_extra"] = json!(1);
        d["resume_json"]["education"] = json!([]);
    });
    assert_eq!(
        of(&example(), &new),
        "education: 1 removed; cover note edited; qa section edited; x_extra added"
    );
    assert_eq!(of(&example(), &example()), "no change");
}

#[test]
fn columns_say_their_values_and_events_come_first() {
    let mut summary = Summary::default();
    summary.text("title", Some("a"), Some("b"));
    summary.match_score(Some(72), Some(85));
    summary.object(
        "qa_metrics",
        Some(&json!({"coverage": 80, "readability": 90})),
        Some(&json!({"coverage": 88, "readability": 90, "duplicates": 0})),
    );
    summary.object("export_formats", Some(&json!({"pdf_url": "x"})), None);
    assert_eq!(
        summary.finish(Some("restored from version 3")),
        "restored from version 3: title edited; match score 72 → 85; \
         qa_metrics: coverage 80 → 88, duplicates set to 0; export_formats: pdf_url removed"
    );
    let mut many = Summary::default();
    let five: Value = (0..5)
        .map(|n| (format!("k{n}"), json!(n)))
        .collect::<serde_json::Map<_, _>>()
        .into();
    many.object("qa_metrics", None, Some(&five));
    assert_eq!(many.finish(None), "qa_metrics added");
}

#[test]
fn a_long_summary_stops_near_200_characters_and_counts_the_rest() {
    let new = edited(|d| {
        for n in 0..40 {
            d[format!("x_extra_{n:02}")] = json!(n);
        }
    });
    let said = of(&example(), &new);
    assert!(said.chars().count() <= 200, "{said}");
    let (shown, rest) = said.rsplit_once("; and ").unwrap();
    let more: usize = rest.strip_suffix(" more changes").unwrap().parse().unwrap();
    assert_eq!(shown.matches("; ").count() + 1 + more, 40, "{said}");
}

#[test]
fn a_long_name_from_the_document_is_cut_and_the_summary_stays_short() {
    let key = "k".repeat(300);
    let new = edited(|d| d[key.as_str()] = json!(1));
    let said = of(&example(), &new);
    assert!(said.chars().count() <= PHRASE_CHARS, "{said}");
    assert!(said.ends_with('…'), "{said}");
    let mut summary = Summary::default();
    summary.object(
        "qa_metrics",
        Some(&json!({})),
        Some(&json!({ key.as_str(): 1, "a": 2, "b": 3 })),
    );
    let said = summary.finish(Some("restored from version 12"));
    assert!(
        said.chars().count() <= 200,
        "{} chars: {said}",
        said.chars().count()
    );
}

#[test]
fn a_document_set_or_cleared_says_so() {
    let mut summary = Summary::default();
    summary.document(None, Some(&example()));
    assert_eq!(summary.finish(None), "structured_output added");
    let mut summary = Summary::default();
    summary.document(Some(&example()), None);
    assert_eq!(summary.finish(None), "structured_output removed");
}
