//! Times as people read them in table mode: "3 minutes ago", "2 days ago", and the date
//! once it is a week old (as gh shows them). JSON output keeps RFC 3339.

use chrono::{DateTime, Utc};

/// How long ago a time is shown relative to now; older times show their date.
const RELATIVE_FOR: chrono::TimeDelta = chrono::TimeDelta::weeks(1);

/// `at` relative to the present moment.
pub fn ago(at: DateTime<Utc>) -> String {
    ago_from(at, Utc::now())
}

/// `at` as seen at `now`: relative within a week, else the date and time in UTC. A time
/// in the future (another machine's clock) is shown as it is, never as "-3 seconds ago".
pub fn ago_from(at: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let elapsed = now - at;
    match elapsed.to_std() {
        Ok(elapsed) if elapsed < std::time::Duration::from_secs(1) => "just now".to_string(),
        Ok(elapsed) if now - at < RELATIVE_FOR => timeago::Formatter::new().convert(elapsed),
        _ => at.format("%Y-%m-%d %H:%M UTC").to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shown(seconds: i64) -> String {
        let now = DateTime::parse_from_rfc3339("2026-11-26T12:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        ago_from(now - chrono::TimeDelta::seconds(seconds), now)
    }

    #[test]
    fn each_unit_starts_at_its_boundary() {
        assert_eq!(shown(0), "just now");
        assert_eq!(shown(1), "1 second ago");
        assert_eq!(shown(59), "59 seconds ago");
        assert_eq!(shown(60), "1 minute ago");
        assert_eq!(shown(119), "1 minute ago");
        assert_eq!(shown(180), "3 minutes ago");
        assert_eq!(shown(3599), "59 minutes ago");
        assert_eq!(shown(3600), "1 hour ago");
        assert_eq!(shown(86_399), "23 hours ago");
        assert_eq!(shown(86_400), "1 day ago");
        assert_eq!(shown(2 * 86_400), "2 days ago");
    }

    #[test]
    fn a_week_old_time_shows_its_date() {
        assert_eq!(shown(7 * 86_400 - 1), "6 days ago");
        assert_eq!(shown(7 * 86_400), "2026-11-19 12:00 UTC");
        assert_eq!(shown(400 * 86_400), "2025-10-22 12:00 UTC");
    }

    #[test]
    fn a_time_in_the_future_is_shown_as_it_is() {
        assert_eq!(shown(-5), "2026-11-26 12:00 UTC");
        assert_eq!(shown(-3600), "2026-11-26 13:00 UTC");
    }
}
