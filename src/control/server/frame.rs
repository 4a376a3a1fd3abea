//! Reading request lines off a connection, at most [`MAX_FRAME`] bytes each.

use std::io;

use tokio::io::{AsyncBufRead, AsyncBufReadExt};

use crate::control::proto::MAX_FRAME;

/// One request line, a line too long to read, or the end.
#[derive(Debug, PartialEq, Eq)]
pub enum Frame {
    Line(Vec<u8>),
    TooLong,
    End,
}

/// Reads the next non-empty line of at most [`MAX_FRAME`] bytes. A longer
/// one is skipped to its newline without being kept, so it costs no memory.
/// A last line without a newline still counts as a line.
pub async fn read_frame<R: AsyncBufRead + Unpin>(r: &mut R) -> io::Result<Frame> {
    let mut buf = Vec::new();
    let mut too_long = false;
    loop {
        let avail = r.fill_buf().await?;
        if avail.is_empty() {
            return Ok(if too_long {
                Frame::TooLong
            } else {
                // The last line ends as any other: without its '\r', and no
                // frame at all when it is blank.
                if buf.last() == Some(&b'\r') {
                    buf.pop();
                }
                if buf.iter().all(u8::is_ascii_whitespace) {
                    Frame::End
                } else {
                    Frame::Line(buf)
                }
            });
        }
        let (chunk, used, done) = match avail.iter().position(|b| *b == b'\n') {
            Some(i) => (&avail[..i], i + 1, true),
            None => (avail, avail.len(), false),
        };
        if !too_long {
            if buf.len() + chunk.len() > MAX_FRAME {
                too_long = true;
                buf = Vec::new();
            } else {
                buf.extend_from_slice(chunk);
            }
        }
        r.consume(used);
        if done {
            if too_long {
                return Ok(Frame::TooLong);
            }
            if buf.last() == Some(&b'\r') {
                buf.pop();
            }
            if buf.iter().all(u8::is_ascii_whitespace) {
                buf.clear();
                continue;
            }
            return Ok(Frame::Line(buf));
        }
    }
}
