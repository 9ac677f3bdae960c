//! The manual pages committed under man/ are what the binary generates.

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use common::*;

fn pages_in(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .unwrap_or_else(|error| panic!("{}: {error}", dir.display()))
        .map(|entry| {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read(&path).unwrap())
        })
        .filter(|(name, _)| name.ends_with(".1"))
        .collect()
}

#[test]
fn committed_man_pages_are_up_to_date() {
    // The pages are written in the scratch directory, the binary's working directory.
    let env = TestEnv::empty();
    env.run(&["man", "."]).success();
    let generated = pages_in(env.dir.path());
    let committed = pages_in(&Path::new(env!("CARGO_MANIFEST_DIR")).join("man"));
    assert_eq!(
        generated.keys().collect::<Vec<_>>(),
        committed.keys().collect::<Vec<_>>(),
        "man/ has other pages than the binary makes: run scripts/update-man"
    );
    for (name, page) in &generated {
        assert!(
            committed[name] == *page,
            "man/{name} is out of date: run scripts/update-man"
        );
    }
    // One page for the tool and one a visible subcommand, naming each other.
    assert!(generated.contains_key("resumectl.1"));
    assert!(generated.contains_key("resumectl-get.1"));
    assert!(
        !generated.contains_key("resumectl-man.1"),
        "the hidden command has no page"
    );
    let top = String::from_utf8_lossy(&generated["resumectl.1"]);
    assert!(top.contains("resumectl\\-get(1)"), "{top}");
}

/// The tests' names for exit codes are the documented ones (crates/core/src/error.rs).
#[test]
fn the_tests_name_every_exit_code_as_documented() {
    use resumectl_core::error::ErrorKind;
    let snake = |name: String| {
        name.chars().fold(String::new(), |mut out, c| {
            if c.is_uppercase() && !out.is_empty() {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
            out
        })
    };
    for kind in ErrorKind::ALL {
        let exit = Exit::ALL
            .into_iter()
            .find(|exit| exit.code() == i32::from(kind.exit_code()))
            .unwrap_or_else(|| panic!("no Exit for {}", kind.name()));
        assert_eq!(snake(format!("{exit:?}")), kind.name());
    }
    assert_eq!(
        Exit::ALL.len(),
        ErrorKind::ALL.len() + 1,
        "every kind, and success"
    );
}
