//! The kinds of JSON document resumectl checks: the three JSON columns, each with its
//! schema in `schema/` (the single source of truth for its shape), and a batch save line.

use std::sync::OnceLock;

use jsonschema::Validator;
use jsonschema::json::Json;
use serde_json::Value;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocumentKind {
    /// A structured_output document
    StructuredOutput,
    /// A qa_metrics object
    QaMetrics,
    /// An export_formats object
    ExportFormats,
    /// A batch save line: {"id":..., "structured_output":{...}, ...}
    SaveLine,
}

impl DocumentKind {
    /// The JSON Schema text, as embedded; None for a save line (its fields are the three
    /// columns, each checked against its own schema).
    pub fn schema_text(self) -> Option<&'static str> {
        match self {
            DocumentKind::StructuredOutput => Some(include_str!(
                "../../../../schema/structured_output.schema.json"
            )),
            DocumentKind::QaMetrics => {
                Some(include_str!("../../../../schema/qa_metrics.schema.json"))
            }
            DocumentKind::ExportFormats => Some(include_str!(
                "../../../../schema/export_formats.schema.json"
            )),
            DocumentKind::SaveLine => None,
        }
    }

    /// The column a document of this kind is stored in.
    pub fn column(self) -> &'static str {
        match self {
            DocumentKind::StructuredOutput => "structured_output",
            DocumentKind::QaMetrics => "qa_metrics",
            DocumentKind::ExportFormats => "export_formats",
            DocumentKind::SaveLine => "a save line",
        }
    }

    /// The compiled schema, built once.
    pub(super) fn validator(self) -> Option<&'static Validator> {
        static VALIDATORS: [OnceLock<Validator>; 3] =
            [OnceLock::new(), OnceLock::new(), OnceLock::new()];
        self.compiled(&VALIDATORS)
    }

    /// The schema compiled for the JSON representation `F`, once, in `slots` (one a kind
    /// with a schema); None for a save line.
    pub(super) fn compiled<F: Json>(
        self,
        slots: &'static [OnceLock<Validator<F>>; 3],
    ) -> Option<&'static Validator<F>> {
        let slot = match self {
            DocumentKind::StructuredOutput => &slots[0],
            DocumentKind::QaMetrics => &slots[1],
            DocumentKind::ExportFormats => &slots[2],
            DocumentKind::SaveLine => return None,
        };
        let text = self.schema_text()?;
        Some(slot.get_or_init(|| {
            let schema: Value = serde_json::from_str(text).expect("bundled schema is valid JSON");
            jsonschema::options_for::<F>()
                .should_validate_formats(true)
                .build(&schema)
                .expect("bundled schema compiles")
        }))
    }
}
