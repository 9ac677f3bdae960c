//! Design options: what a theme lets a person change without writing a template. They
//! reach every template as `sys.inputs.design` (JSON; a key is absent when not set), and
//! the built-in themes all honour them.

use serde::{Deserialize, Serialize};

/// The font families every template can use (embedded in the binary).
pub const FONTS: [&str; 2] = ["Libertinus Serif", "DejaVu Sans"];

/// The keys, for messages and help.
pub const KEYS: [&str; 6] = [
    "accent",
    "font",
    "font-size",
    "margin",
    "line-spacing",
    "paper",
];

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct Design {
    /// "#rrggbb": headings and rules.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accent: Option<String>,
    /// One of `FONTS`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub font: Option<String>,
    /// Body text size in points.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub font_size: Option<f64>,
    /// Page margin on every side, in millimetres.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub margin: Option<f64>,
    /// A factor on the theme's line spacing (1 is the theme's own).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line_spacing: Option<f64>,
}

/// What `set` did with a key: a design value, or the paper (which is the export's own
/// option, not the template's).
#[derive(Debug)]
pub enum Set {
    Design,
    Paper(super::Paper),
}

impl Design {
    /// Sets `key` to `value`, checked; the error says what is wrong with it.
    pub fn set(&mut self, key: &str, value: &str) -> Result<Set, String> {
        let value = value.trim();
        match key {
            "accent" => {
                let hex = value.strip_prefix('#').unwrap_or(value);
                if hex.len() != 6 || !hex.chars().all(|c| c.is_ascii_hexdigit()) {
                    return Err(format!("{value:?} is not a colour: give #rrggbb"));
                }
                self.accent = Some(format!("#{}", hex.to_ascii_lowercase()));
            }
            "font" => {
                let font = FONTS
                    .iter()
                    .find(|font| font.eq_ignore_ascii_case(value))
                    .ok_or_else(|| {
                        format!("{value:?} is not embedded: one of {}", FONTS.join(", "))
                    })?;
                self.font = Some(font.to_string());
            }
            "font-size" => {
                let points = value.strip_suffix("pt").unwrap_or(value).trim();
                self.font_size = Some(number(points, 6.0, 24.0, "points")?);
            }
            "margin" => self.margin = Some(millimetres(value)?),
            "line-spacing" => self.line_spacing = Some(number(value, 0.5, 3.0, "times")?),
            "paper" => {
                return match value.to_ascii_lowercase().as_str() {
                    "a4" => Ok(Set::Paper(super::Paper::A4)),
                    "letter" | "us-letter" => Ok(Set::Paper(super::Paper::Letter)),
                    _ => Err(format!("{value:?} is not a paper size: a4 or letter")),
                };
            }
            _ => return Err(format!("no such design key: one of {}", KEYS.join(", "))),
        }
        Ok(Set::Design)
    }

    /// The JSON a template reads (`{}` when nothing is set): every value a string (a
    /// template converts numbers with `float(...)`), because a JSON number reaches Typst
    /// as a dictionary under serde_json's arbitrary precision, which resumectl needs.
    pub fn json(&self) -> String {
        let mut out = serde_json::Map::new();
        let mut put = |key: &str, value: Option<String>| {
            if let Some(value) = value {
                out.insert(key.to_string(), serde_json::Value::String(value));
            }
        };
        put("accent", self.accent.clone());
        put("font", self.font.clone());
        put("font-size", self.font_size.map(|value| value.to_string()));
        put("margin", self.margin.map(|value| value.to_string()));
        put(
            "line-spacing",
            self.line_spacing.map(|value| value.to_string()),
        );
        serde_json::Value::Object(out).to_string()
    }

    pub fn is_default(&self) -> bool {
        *self == Design::default()
    }
}

fn number(text: &str, low: f64, high: f64, unit: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(value) if (low..=high).contains(&value) => Ok(value),
        _ => Err(format!(
            "{text:?} is not a number from {low} to {high} ({unit})"
        )),
    }
}

/// "12mm", "1.5cm", "0.75in" as millimetres (0 to 60).
fn millimetres(text: &str) -> Result<f64, String> {
    let units = [("mm", 1.0), ("cm", 10.0), ("in", 25.4)];
    let (number_text, factor) = units
        .iter()
        .find_map(|(unit, factor)| text.strip_suffix(unit).map(|rest| (rest.trim(), *factor)))
        .ok_or_else(|| format!("{text:?} has no unit: give mm, cm or in (e.g. 18mm)"))?;
    let millimetres = number_text
        .parse::<f64>()
        .map(|value| value * factor)
        .map_err(|_| format!("{text:?} is not a length"))?;
    match (0.0..=60.0).contains(&millimetres) {
        true => Ok(millimetres),
        false => Err(format!("{text:?} is not a margin from 0 to 60mm")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_checked_and_normalised() {
        let mut design = Design::default();
        assert!(design.set("accent", "#0B6E8A").is_ok());
        assert_eq!(design.accent.as_deref(), Some("#0b6e8a"));
        assert!(design.set("accent", "teal").is_err());
        assert!(design.set("font", "dejavu sans").is_ok());
        assert_eq!(design.font.as_deref(), Some("DejaVu Sans"));
        assert!(
            design
                .set("font", "Comic Sans")
                .unwrap_err()
                .contains("Libertinus Serif")
        );
        assert!(design.set("font-size", "11pt").is_ok());
        assert!(design.set("font-size", "99").is_err());
        assert!(design.set("margin", "1.5cm").is_ok());
        assert_eq!(design.margin, Some(15.0));
        assert!(design.set("margin", "2").unwrap_err().contains("unit"));
        assert!(design.set("line-spacing", "1.2").is_ok());
        assert!(matches!(design.set("paper", "letter"), Ok(Set::Paper(_))));
        assert!(
            design
                .set("colour", "#000000")
                .unwrap_err()
                .contains("accent")
        );
        assert_eq!(
            design.json(),
            r##"{"accent":"#0b6e8a","font":"DejaVu Sans","font-size":"11","line-spacing":"1.2","margin":"15"}"##
        );
    }
}
