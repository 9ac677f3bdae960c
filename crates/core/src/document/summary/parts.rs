//! What changed in a structured_output document, part by part, in the order a resume
//! reads. A part the document keeps in several places (the summary is in the ui form, in
//! targeting and in resume_json) is named once. Lists are compared as multisets: an
//! item inserted at the top is "added", not every item below it "changed".

use serde_json::Value;

use crate::document::UI_SECTIONS;

/// The value at `path` (None: missing, or a step that is not an object).
fn at<'a>(value: Option<&'a Value>, path: &[&str]) -> Option<&'a Value> {
    path.iter().try_fold(value?, |value, key| value.get(key))
}

/// The elements of an array (none for anything else).
fn elements(value: Option<&Value>) -> &[Value] {
    value.and_then(Value::as_array).map_or(&[], Vec::as_slice)
}

/// Which elements of `new` match none of `old` and which of `old` none of `new`, each
/// matched at most once (duplicates counted): their positions, 1-based.
fn unmatched(old: &[Value], new: &[Value]) -> (Vec<usize>, Vec<usize>) {
    let mut used = vec![false; old.len()];
    let mut came = Vec::new();
    for (position, item) in new.iter().enumerate() {
        match (0..old.len()).find(|&index| !used[index] && old[index] == *item) {
            Some(index) => used[index] = true,
            None => came.push(position + 1),
        }
    }
    let gone = (0..old.len())
        .filter(|&index| !used[index])
        .map(|index| index + 1);
    (came, gone.collect())
}

/// "2 bullets added, 1 changed, 1 removed": the noun (if any) on the first count. With
/// `paired`, an element gone and another come count as one changed (a bullet reworded);
/// without, an addition and a removal (one skill for another). None when all are zero.
fn counts_phrase(noun: Option<&str>, old: &[Value], new: &[Value], paired: bool) -> Option<String> {
    let (came, gone) = unmatched(old, new);
    let changed = if paired {
        came.len().min(gone.len())
    } else {
        0
    };
    let counts = [
        (came.len() - changed, "added"),
        (changed, "changed"),
        (gone.len() - changed, "removed"),
    ];
    let words: Vec<String> = counts
        .iter()
        .filter(|(count, _)| *count > 0)
        .enumerate()
        .map(|(index, (count, what))| match noun {
            Some(noun) if index == 0 => {
                let plural = if *count == 1 { "" } else { "s" };
                format!("{count} {noun}{plural} {what}")
            }
            _ => format!("{count} {what}"),
        })
        .collect();
    (!words.is_empty()).then(|| words.join(", "))
}

/// "hidden" or "shown" when two objects differ only in their `include` flag.
fn visibility(old: Option<&Value>, new: Option<&Value>) -> Option<&'static str> {
    let (old, new) = (old?.as_object()?, new?.as_object()?);
    if old.get("include") == new.get("include") {
        return None;
    }
    fn rest(map: &serde_json::Map<String, Value>) -> Vec<(&String, &Value)> {
        map.iter().filter(|(key, _)| *key != "include").collect()
    }
    (rest(old) == rest(new)).then(|| match new.get("include") {
        Some(Value::Bool(false)) => "hidden",
        _ => "shown",
    })
}

/// One part kept in several places (the ui form's first when it has one): "<label>
/// added", "removed", "hidden", "shown" or "edited"; None when no place changed.
fn part(label: &str, old: &[Option<&Value>], new: &[Option<&Value>]) -> Option<String> {
    let differs = |index: usize| old[index] != new[index];
    if !(0..old.len()).any(differs) {
        return None;
    }
    let how = if old.iter().all(Option::is_none) {
        "added"
    } else if new.iter().all(Option::is_none) {
        "removed"
    } else if !(1..old.len()).any(differs)
        && let Some(how) = visibility(old[0], new[0])
    {
        how
    } else {
        "edited"
    };
    Some(format!("{label} {how}"))
}

/// What changed in one work experience item: its fields ("dates, title edited") and its
/// bullets ("2 bullets added, 1 changed"); the ui form keeps them in bullets.primary.
fn experience_item(old: &Value, new: &Value) -> Option<String> {
    let bullets = |item: &Value| match item.get("bullets") {
        Some(Value::Object(bullets)) => bullets.get("primary").cloned(),
        other => other.cloned(),
    };
    let mut fields: Vec<&str> = [old, new]
        .iter()
        .filter_map(|item| item.as_object())
        .flat_map(|item| item.keys())
        .filter(|key| *key != "bullets" && *key != "include" && old.get(*key) != new.get(*key))
        .map(|key| match key.as_str() {
            "start_date" | "end_date" => "dates",
            key => key,
        })
        .collect();
    fields.sort_unstable();
    fields.dedup();
    let mut words = Vec::new();
    if !fields.is_empty() {
        words.push(format!("{} edited", fields.join(", ")));
    }
    let (old_bullets, new_bullets) = (bullets(old), bullets(new));
    if old_bullets != new_bullets {
        let (before, after) = (
            elements(old_bullets.as_ref()),
            elements(new_bullets.as_ref()),
        );
        words.push(
            counts_phrase(Some("bullet"), before, after, true)
                .unwrap_or_else(|| "bullets reordered".into()),
        );
    }
    if words.is_empty() {
        return visibility(Some(old), Some(new)).map(str::to_string);
    }
    Some(words.join(", "))
}

/// Work experience, item by item: resume_json's list when it changed, else the ui form's.
fn experience(old: &Value, new: &Value, said: &mut Vec<String>) {
    let list = |document: &Value| at(Some(document), &["resume_json", "experience"]).cloned();
    let form = |document: &Value| at(Some(document), &["ui", "work_experience", "items"]).cloned();
    let (before, after) = match (list(old), list(new)) {
        (before, after) if before != after => (before, after),
        _ => (form(old), form(new)),
    };
    if before == after {
        let (old, new) = (
            at(Some(old), &["ui", "work_experience"]),
            at(Some(new), &["ui", "work_experience"]),
        );
        said.extend(part("experience", &[old], &[new]));
        return;
    }
    let (before, after) = (elements(before.as_ref()), elements(after.as_ref()));
    let (came, gone) = unmatched(before, after);
    let mut items: Vec<(usize, bool, String)> = Vec::new();
    for (index, &position) in came.iter().enumerate() {
        let phrase = match gone.get(index) {
            Some(&was) => {
                match experience_item(&before[was - 1], &after[position - 1]).as_deref() {
                    Some(how @ ("hidden" | "shown")) => format!("experience {position} {how}"),
                    Some(detail) => format!("experience {position}: {detail}"),
                    None => format!("experience {position} edited"),
                }
            }
            None => format!("experience {position} added"),
        };
        items.push((position, false, phrase));
    }
    for &position in gone.iter().skip(came.len()) {
        items.push((position, true, format!("experience {position} removed")));
    }
    items.sort();
    if items.is_empty() {
        said.push("experience reordered".into());
    }
    said.extend(items.into_iter().map(|(_, _, phrase)| phrase));
}

/// Keys of two objects outside `known` that differ: "<prefix><key> edited", "added" or
/// "removed", in key order.
fn other_keys(
    prefix: &str,
    old: Option<&Value>,
    new: Option<&Value>,
    known: &[&str],
) -> Vec<String> {
    let (old, new) = (
        old.and_then(Value::as_object),
        new.and_then(Value::as_object),
    );
    let mut keys: Vec<&String> = old
        .into_iter()
        .chain(new)
        .flat_map(|map| map.keys())
        .collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .filter(|key| !known.contains(&key.as_str()))
        .filter_map(|key| {
            let (before, after) = (
                old.and_then(|map| map.get(key)),
                new.and_then(|map| map.get(key)),
            );
            let how = match (before, after) {
                (before, after) if before == after => return None,
                (None, _) => "added",
                (_, None) => "removed",
                _ => "edited",
            };
            Some(format!("{prefix}{key} {how}"))
        })
        .collect()
}

/// Every part that changed between two documents (objects), as phrases.
pub fn changes(old: &Value, new: &Value) -> Vec<String> {
    let (old, new) = (Some(old), Some(new));
    let places = |paths: &[&[&str]]| -> (Vec<Option<&Value>>, Vec<Option<&Value>>) {
        paths
            .iter()
            .map(|path| (at(old, path), at(new, path)))
            .unzip()
    };
    let mut said = Vec::new();
    let named = |label: &str, paths: &[&[&str]], said: &mut Vec<String>| {
        let (before, after) = places(paths);
        said.extend(part(label, &before, &after));
    };
    named(
        "headline",
        &[
            &["ui", "target_title"],
            &["targeting", "target_headline"],
            &["resume_json", "headline"],
        ],
        &mut said,
    );
    named(
        "contact",
        &[
            &["ui", "contact_information"],
            &["resume_json", "contact"],
            &["resume_json", "name"],
        ],
        &mut said,
    );
    named(
        "summary",
        &[
            &["ui", "professional_summary"],
            &["targeting", "summary"],
            &["resume_json", "summary"],
        ],
        &mut said,
    );
    experience(old.unwrap(), new.unwrap(), &mut said);
    for (label, list, form) in [
        ("education", "education", "education"),
        ("certifications", "certifications", "certifications"),
        ("extras", "extras", "interests_or_extras"),
    ] {
        let (before, after) = (
            at(old, &["resume_json", list]),
            at(new, &["resume_json", list]),
        );
        let (before, after) = if before != after {
            (before, after)
        } else {
            (
                at(old, &["ui", form, "items"]),
                at(new, &["ui", form, "items"]),
            )
        };
        if before != after {
            let counted = counts_phrase(None, elements(before), elements(after), true);
            said.push(format!(
                "{label}{}",
                counted.map_or(" reordered".into(), |c| format!(": {c}"))
            ));
        } else {
            named(label, &[&["ui", form]], &mut said);
        }
    }
    skills(old, new, &mut said);
    for (label, path) in [
        ("section list", &["ui", "include_parts_summary"][..]),
        ("analysis", &["analysis"]),
        ("requirement evidence", &["requirement_evidence_map"]),
        ("ATS text", &["tailored_resume_text"]),
        ("cover note", &["cover_note"]),
        ("qa section", &["qa"]),
        ("preview", &["ui", "preview"]),
    ] {
        named(label, &[path], &mut said);
    }
    // Keys no phrase above names, at the top and in the objects that hold sections.
    let ui: Vec<&str> = UI_SECTIONS
        .into_iter()
        .chain(["include_parts_summary", "preview"])
        .collect();
    for (prefix, path, known) in [
        (
            "",
            &[][..],
            &[
                "analysis",
                "requirement_evidence_map",
                "ui",
                "targeting",
                "skills_block",
                "tailored_resume_text",
                "resume_json",
                "cover_note",
                "qa",
            ][..],
        ),
        ("ui.", &["ui"], &ui),
        (
            "resume_json.",
            &["resume_json"],
            &[
                "name",
                "contact",
                "headline",
                "summary",
                "skills",
                "experience",
                "education",
                "certifications",
                "extras",
            ],
        ),
        (
            "targeting.",
            &["targeting"],
            &["target_headline", "summary"],
        ),
    ] {
        said.extend(other_keys(prefix, at(old, path), at(new, path), known));
    }
    said
}

/// Skills: every group's names counted together, from the first place that changed
/// (skills_block, resume_json, the ui form); the same names in other groups "regrouped".
fn skills(old: Option<&Value>, new: Option<&Value>, said: &mut Vec<String>) {
    let changed = [
        &["skills_block"][..],
        &["resume_json", "skills"],
        &["ui", "skills", "groups"],
    ]
    .into_iter()
    .map(|path| (at(old, path), at(new, path)))
    .find(|(before, after)| before != after);
    let Some((before, after)) = changed else {
        said.extend(part(
            "skills",
            &[at(old, &["ui", "skills"])],
            &[at(new, &["ui", "skills"])],
        ));
        return;
    };
    let names = |groups: Option<&Value>| -> Vec<Value> {
        groups
            .and_then(Value::as_object)
            .into_iter()
            .flat_map(|groups| groups.values())
            .flat_map(|group| elements(Some(group)).iter().cloned())
            .collect()
    };
    let counted = counts_phrase(None, &names(before), &names(after), false);
    said.push(counted.map_or("skills regrouped".into(), |c| format!("skills: {c}")));
}
