//! `export --to png`: a page of the typeset PDF as an image, rendered in process, at the
//! paper's size times `--dpi`; `--page N`; the theme's design visible in its pixels.

mod common;

use std::path::{Path, PathBuf};

use common::pdf::{THEMES, long_document, pixels_near};
use common::*;

/// Exports `id` as a PNG with `extra` flags; the file.
fn png(env: &TestEnv, id: &str, name: &str, extra: &[&str]) -> PathBuf {
    let file = env.path(name);
    let file_arg = file.display().to_string();
    env.run(&[&["export", id, "--to", "png", "-o", &file_arg], extra].concat())
        .success();
    file
}

/// The image's width, height and pixels as RGBA. An opaque page is written as RGB, and
/// says its resolution.
fn decode(path: &Path) -> (u32, u32, Vec<u8>) {
    let mut decoder =
        png::Decoder::new(std::io::BufReader::new(std::fs::File::open(path).unwrap()));
    decoder.set_transformations(png::Transformations::EXPAND);
    let mut reader = decoder.read_info().unwrap();
    let dims = reader.info().pixel_dims.expect("a pHYs chunk");
    assert_eq!(dims.unit, png::Unit::Meter);
    let mut pixels = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut pixels).unwrap();
    assert_eq!(
        info.color_type,
        png::ColorType::Rgb,
        "an opaque page is RGB"
    );
    pixels.truncate(info.buffer_size());
    let rgba = pixels
        .chunks_exact(3)
        .flat_map(|pixel| [pixel[0], pixel[1], pixel[2], 255])
        .collect();
    (info.width, info.height, rgba)
}

#[test]
fn a_page_is_rendered_at_the_papers_size_times_the_dpi() {
    let env = TestEnv::migrated();
    let id = env.create_record("Preview");
    let (width, height, pixels) = decode(&png(&env, &id, "a4.png", &[]));
    // A4 is 595.28 x 841.89 pt; 144 dpi is 2 pixels a point.
    assert_eq!((width, height), (1191, 1684));
    let dark = pixels
        .chunks(4)
        .filter(|pixel| pixel[..3].iter().all(|c| *c < 100))
        .count();
    assert!(dark > 1000, "text was drawn ({dark} dark pixels)");
    let (width, height, _) = decode(&png(
        &env,
        &id,
        "letter.png",
        &["--paper", "letter", "--dpi", "72"],
    ));
    assert_eq!((width, height), (612, 792));
}

#[test]
fn page_picks_a_page_and_one_past_the_end_says_how_many_there_are() {
    let env = TestEnv::migrated();
    let id = env.create_record_as(USER, "Long", &long_document());
    let first = decode(&png(&env, &id, "one.png", &["--dpi", "36"])).2;
    let second = decode(&png(&env, &id, "two.png", &["--dpi", "36", "--page", "2"])).2;
    assert_ne!(first, second, "page 2 is another page");
    let assert = env
        .run(&[
            "export", &id, "--to", "png", "--page", "9", "-o", "nine.png",
        ])
        .exits(Exit::InvalidInput);
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    assert!(
        stderr.contains("page 9 was asked for") && stderr.contains("pages"),
        "{stderr}"
    );
    assert!(!env.path("nine.png").exists(), "nothing written");
    env.run(&["export", &id, "--to", "pdf", "--page", "2"])
        .exits(Exit::Usage);
    env.run(&["export", &id, "--to", "png", "--dpi", "5000"])
        .exits(Exit::Usage);
}

#[test]
fn a_design_override_shows_in_the_pixels_of_every_theme() {
    let env = TestEnv::migrated();
    let id = env.create_record("Coloured");
    let green = [0x00, 0xaa, 0x33];
    for theme in THEMES {
        let plain = decode(&png(
            &env,
            &id,
            &format!("{theme}.png"),
            &["--theme", theme, "--dpi", "72"],
        ))
        .2;
        let styled = png(
            &env,
            &id,
            &format!("{theme}-green.png"),
            &[
                "--theme",
                theme,
                "--dpi",
                "72",
                "--design",
                "accent=#00aa33",
            ],
        );
        let styled = decode(&styled).2;
        assert_eq!(
            pixels_near(&plain, 4, green),
            0,
            "{theme}: no green by default"
        );
        assert!(
            pixels_near(&styled, 4, green) > 100,
            "{theme}: the accent is drawn"
        );
    }
}
