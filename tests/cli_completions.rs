//! The committed completion scripts match what the binary generates.

mod common;

use common::*;

#[test]
fn committed_completions_are_up_to_date() {
    for (shell, file) in [
        ("bash", "resumectl.bash"),
        ("zsh", "_resumectl"),
        ("fish", "resumectl.fish"),
    ] {
        let assert = assert_cmd::Command::new(bin_path())
            .args(["completions", shell])
            .assert()
            .success();
        let generated = String::from_utf8_lossy(&assert.get_output().stdout).into_owned();
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("completions")
            .join(file);
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            generated == committed,
            "completions/{file} is out of date: run scripts/update-completions"
        );
    }
}
