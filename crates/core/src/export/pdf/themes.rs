//! The built-in themes: Typst templates shipped in `templates/`, where users can start
//! their own from them. Every one flows in one column in reading order.

use serde::Serialize;

/// A built-in theme.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Theme {
    pub name: &'static str,
    pub description: &'static str,
    /// The file in `templates/` it is made from.
    pub file: &'static str,
    #[serde(skip)]
    pub source: &'static str,
    /// How the HTML export follows it.
    #[serde(skip)]
    pub html: HtmlLook,
}

/// What the HTML export takes of a theme: its colour, its kind of type, its header.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct HtmlLook {
    /// The theme's own accent ("#rrggbb"); None: black headings, grey rules.
    pub accent: Option<&'static str>,
    /// Sans serif rather than serif.
    pub sans: bool,
    /// Tighter lines and spaces.
    pub compact: bool,
    /// The name and contact on a band of the accent colour.
    pub band: bool,
}

/// The themes, the default first.
pub const THEMES: [Theme; 4] = [
    Theme {
        name: "classic",
        description: "one column, serif, ATS-first (the default)",
        file: "templates/resume.typ",
        source: include_str!("../../../../../templates/resume.typ"),
        html: HtmlLook {
            accent: None,
            sans: false,
            compact: false,
            band: false,
        },
    },
    Theme {
        name: "compact",
        description: "the classic layout, tighter: a typical resume fits on one page",
        file: "templates/compact.typ",
        source: include_str!("../../../../../templates/compact.typ"),
        html: HtmlLook {
            accent: None,
            sans: false,
            compact: true,
            band: false,
        },
    },
    Theme {
        name: "modern",
        description: "sans serif, an accent colour on the name, headings and rules",
        file: "templates/modern.typ",
        source: include_str!("../../../../../templates/modern.typ"),
        html: HtmlLook {
            accent: Some("#0b6e8a"),
            sans: true,
            compact: false,
            band: false,
        },
    },
    Theme {
        name: "banner",
        description: "the name and contact on a coloured band across the top",
        file: "templates/banner.typ",
        source: include_str!("../../../../../templates/banner.typ"),
        html: HtmlLook {
            accent: Some("#23395d"),
            sans: false,
            compact: false,
            band: true,
        },
    },
];

pub const DEFAULT: &Theme = &THEMES[0];

/// The theme called `name`.
pub fn find(name: &str) -> Option<&'static Theme> {
    THEMES.iter().find(|theme| theme.name == name)
}

/// Every theme's name, for a message.
pub fn names() -> Vec<&'static str> {
    THEMES.iter().map(|theme| theme.name).collect()
}
