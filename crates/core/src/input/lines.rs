//! NDJSON, one item a line: read with a bound on each line (memory stays bounded by the
//! longest line allowed, not the input), on a thread of its own so that a command waiting
//! for the next line can still notice a signal. Validating and saving NDJSON
//! both read through here.

use std::io::BufRead;

use crate::error::{Hint, Problem};
use crate::input::human_size;

/// What one read of an NDJSON line found.
#[derive(Debug, PartialEq, Eq)]
enum LineRead {
    /// `buffer` holds the line, without its newline.
    Line,
    /// The line is longer than the limit. Reading stopped as soon as that was clear: the
    /// rest of the line is unread, and finding the next line could mean reading without
    /// end (`/dev/zero`), so the stream ends here.
    TooLong,
    End,
}

/// Reads the next line into `buffer` (cleared first), never holding or reading more than
/// `limit` bytes of it: memory and time stay bounded by the longest line allowed.
fn read_line(
    reader: &mut dyn BufRead,
    buffer: &mut Vec<u8>,
    limit: u64,
) -> std::io::Result<LineRead> {
    buffer.clear();
    let mut length: u64 = 0;
    let mut seen_any = false;
    loop {
        let available = match reader.fill_buf() {
            Ok(available) => available,
            Err(error) if error.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(error) => return Err(error),
        };
        if available.is_empty() {
            break;
        }
        seen_any = true;
        let (chunk, found_newline) = match memchr::memchr(b'\n', available) {
            Some(index) => (&available[..index], true),
            None => (available, false),
        };
        length += chunk.len() as u64;
        if length > limit {
            buffer.clear();
            return Ok(LineRead::TooLong);
        }
        buffer.extend_from_slice(chunk);
        let consumed = chunk.len() + usize::from(found_newline);
        reader.consume(consumed);
        if found_newline {
            break;
        }
    }
    if !seen_any {
        return Ok(LineRead::End);
    }
    if buffer.last() == Some(&b'\r') {
        buffer.pop();
    }
    Ok(LineRead::Line)
}

/// The problem of a line over the limit.
pub fn too_long(limit: u64) -> Problem {
    Problem::at(
        "",
        format!(
            "the line is longer than the input limit of {}; reading stopped at this line",
            human_size(limit)
        ),
    )
    .with_hint(Hint::InputLimit)
}

/// A line is one document: "line 1 column 7" of it is column 7 of the line the place
/// already names.
pub fn within_line(mut problems: Vec<Problem>) -> Vec<Problem> {
    for problem in &mut problems {
        if let Some(column) = problem.path.strip_prefix("line 1 column ") {
            problem.path = format!("column {column}");
        }
    }
    problems
}

/// One line from a `LineReader`.
#[derive(Debug)]
pub enum ReadLine {
    /// The line, without its newline.
    Line(Vec<u8>),
    /// Longer than the limit: the stream ends here (see `LineRead::TooLong`).
    TooLong,
    /// Reading failed: the stream ends here.
    Failed(std::io::Error),
    End,
}

/// A batch of lines holds at most about this many bytes...
const BATCH_BYTES: usize = 1 << 20;
/// ...and this many lines.
const BATCH_LINES: usize = 256;

/// Lines read on a thread of their own, so that a command waiting for the next line (from
/// a pipe that is slow to write) can still notice a signal. The lines already in the
/// input's buffer go over together, a batch at a time, rather than one hand-over (and
/// two thread wake-ups) a line. Holds at most a couple of batches ahead: memory stays
/// bounded by the line limit and the batch size.
pub struct LineReader {
    batches: tokio::sync::mpsc::Receiver<Vec<ReadLine>>,
    batch: std::vec::IntoIter<ReadLine>,
    over: bool,
    limit: u64,
}

impl LineReader {
    pub fn spawn(mut reader: super::Input, limit: u64) -> LineReader {
        let (sender, batches) = tokio::sync::mpsc::channel(2);
        std::thread::spawn(move || {
            loop {
                let (batch, last) = read_batch(&mut reader, limit);
                // A closed channel: the command stopped reading.
                if sender.blocking_send(batch).is_err() || last {
                    return;
                }
            }
        });
        LineReader {
            batches,
            batch: Vec::new().into_iter(),
            over: false,
            limit,
        }
    }

    /// The next line; `End` once the input (or the reading) is over.
    pub async fn next(&mut self) -> ReadLine {
        loop {
            if let Some(line) = self.batch.next() {
                return line;
            }
            if self.over {
                return ReadLine::End;
            }
            match self.batches.recv().await {
                Some(batch) => self.batch = batch.into_iter(),
                None => self.over = true,
            }
        }
    }

    pub fn limit(&self) -> u64 {
        self.limit
    }
}

/// The next line, and those after it that are already in the input's buffer (up to the
/// batch size): a line that has yet to arrive never holds back the ones before it.
/// Whether the input ended (or failed) with this batch.
fn read_batch(reader: &mut super::Input, limit: u64) -> (Vec<ReadLine>, bool) {
    let mut batch = Vec::new();
    let mut bytes = 0;
    loop {
        let mut buffer = Vec::new();
        let line = match read_line(reader, &mut buffer, limit) {
            Ok(LineRead::Line) => ReadLine::Line(buffer),
            Ok(LineRead::TooLong) => ReadLine::TooLong,
            Ok(LineRead::End) => return (batch, true),
            Err(error) => ReadLine::Failed(error),
        };
        let ReadLine::Line(text) = &line else {
            batch.push(line);
            return (batch, true);
        };
        bytes += text.len();
        batch.push(line);
        if bytes >= BATCH_BYTES
            || batch.len() >= BATCH_LINES
            || memchr::memchr(b'\n', reader.buffer()).is_none()
        {
            return (batch, false);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_read_within_the_limit() {
        let mut reader: &[u8] = b"{}\r\n\nlast";
        let mut buffer = Vec::new();
        let mut next = || {
            let read = read_line(&mut reader, &mut buffer, 5).unwrap();
            (read, String::from_utf8(buffer.clone()).unwrap())
        };
        assert_eq!(next(), (LineRead::Line, "{}".into()));
        assert_eq!(next(), (LineRead::Line, String::new()));
        assert_eq!(next(), (LineRead::Line, "last".into()));
        assert_eq!(next(), (LineRead::End, String::new()));
    }

    #[test]
    fn a_line_is_handed_over_without_waiting_for_the_next() {
        // A pipe whose writer stays open: the first line must come through while the
        // second has not been written (a batch never waits to fill up).
        let (reader, mut writer) = std::io::pipe().unwrap();
        let input: super::super::Input = std::io::BufReader::new(Box::new(reader));
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .unwrap();
        runtime.block_on(async {
            let mut lines = LineReader::spawn(input, 100);
            std::io::Write::write_all(&mut writer, b"{\"a\":1}\n{\"b\"").unwrap();
            let first = tokio::time::timeout(std::time::Duration::from_secs(10), lines.next())
                .await
                .expect("the first line came while the second was unfinished");
            assert!(matches!(first, ReadLine::Line(line) if line == b"{\"a\":1}"));
            std::io::Write::write_all(&mut writer, b":2}\n").unwrap();
            drop(writer);
            assert!(matches!(lines.next().await, ReadLine::Line(line) if line == b"{\"b\":2}"));
            assert!(matches!(lines.next().await, ReadLine::End));
        });
    }

    #[test]
    fn many_lines_come_in_order_across_batches() {
        let text: String = (0..1_000).map(|n| format!("{n}\n")).collect();
        let input: super::super::Input =
            std::io::BufReader::with_capacity(64, Box::new(std::io::Cursor::new(text)));
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        runtime.block_on(async {
            let mut lines = LineReader::spawn(input, 100);
            for n in 0..1_000 {
                match lines.next().await {
                    ReadLine::Line(line) => assert_eq!(line, n.to_string().as_bytes()),
                    other => panic!("line {n}: {other:?}"),
                }
            }
            assert!(matches!(lines.next().await, ReadLine::End));
        });
    }

    #[test]
    fn a_line_over_the_limit_stops_reading_at_once() {
        // An endless line (as from /dev/zero): the read ends after limit + 1 bytes.
        let mut endless = std::io::BufReader::with_capacity(4, std::io::repeat(0));
        let mut buffer = Vec::new();
        assert_eq!(
            read_line(&mut endless, &mut buffer, 10).unwrap(),
            LineRead::TooLong
        );
        assert!(buffer.is_empty());
    }
}
