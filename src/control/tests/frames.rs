//! What a bad, oversized or random frame gets, and what the log keeps of it.

use std::io::{BufRead, Write};

use proptest::prelude::*;

use super::{Raw, Served, served, served_with};
use crate::control::proto::{MAX_FRAME, Response, VERSION, WireError};
use crate::control::server::{Frame, Limits, read_frame};

#[test]
fn no_frame_can_name_its_own_actor() {
    let s = served();
    let mut raw = Raw::open(&s);
    raw.send(
        br#"{"v":1,"id":1,"actor":{"type":"local","name":"root"},"call":{"op":"parcels","all":false}}
"#,
    );
    let r = raw.recv();
    assert_eq!(r.id, Some(1));
    assert!(matches!(r.error, Some(WireError::BadFrame { .. })), "{r:?}");
    raw.send(
        br#"{"v":1,"id":2,"call":{"op":"parcels","all":false,"actor":"x"}}
"#,
    );
    assert!(matches!(raw.recv().error, Some(WireError::BadFrame { .. })));
}

#[test]
fn bad_frames_get_an_error_and_the_connection_goes_on() {
    let s = served();
    let mut raw = Raw::open(&s);
    let cases: Vec<(&[u8], Option<u64>)> = vec![
        (b"hello\n", None),
        (b"{\"v\":1,\"id\":3}\n", Some(3)),
        (b"{\"id\":4,\"call\":{\"op\":\"users\"}}\n", Some(4)),
        (
            b"{\"v\":1,\"id\":5,\"call\":{\"op\":\"format_disk\"}}\n",
            Some(5),
        ),
        (b"\xff\xfe{}\n", None),
        (b"[1,2,3]\n", None),
        (b"{\"v\":1,\"id\":-1,\"call\":{\"op\":\"users\"}}\n", None),
    ];
    for (bytes, id) in cases {
        raw.send(bytes);
        let r = raw.recv();
        assert_eq!(r.id, id, "{}", String::from_utf8_lossy(bytes));
        assert!(
            matches!(r.error, Some(WireError::BadFrame { .. })),
            "{r:?} for {}",
            String::from_utf8_lossy(bytes)
        );
    }
    raw.send(b"{\"v\":2,\"id\":6,\"call\":{\"op\":\"users\"}}\n");
    assert_eq!(
        raw.recv().error,
        Some(WireError::Version {
            got: 2,
            want: VERSION
        })
    );
    // Blank lines are nothing at all.
    raw.send(b"\n\r\n   \n");
    raw.hello_works();
}

#[test]
fn an_oversized_frame_is_refused_without_being_kept() {
    let s = served();
    let mut raw = Raw::open(&s);
    let mut big = vec![b'x'; MAX_FRAME * 4];
    big.push(b'\n');
    raw.send(&big);
    assert_eq!(
        raw.recv().error,
        Some(WireError::TooLarge { max: MAX_FRAME })
    );
    raw.hello_works();
}

/// Log lines of the server's threads, kept for a test to read.
#[derive(Clone, Default)]
struct Captured(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn bad_frames_are_answered_and_logged_without_their_content() {
    let log = Captured::default();
    let writer = log.clone();
    let dispatch = tracing::Dispatch::new(
        tracing_subscriber::fmt()
            .with_max_level(tracing::Level::TRACE)
            .with_ansi(false)
            .with_writer(move || writer.clone())
            .finish(),
    );
    let s = served_with(Limits::default(), Some(dispatch));
    // Other tests hit the same log lines on threads with no subscriber; a
    // callsite first met while this subscriber registered can keep a stale
    // "nobody listens". Asking again now, with it registered, settles it.
    tracing::callsite::rebuild_interest_cache();
    let mut raw = Raw::open(&s);
    let frames: [&[u8]; 4] = [
        b"{\"v\":1,\"id\":1,\"call\":{\"op\":\"sign_in\",\"user\":\"admin\",\"pin\":123456}}\n",
        b"{\"v\":1,\"id\":2,\"call\":{\"op\":\"Hunter2-s3cret\",\"user\":\"admin\"}}\n",
        b"{\"v\":1,\"id\":3,\"call\":{\"op\":\"sign_in\",\"user\":\"admin\",\"pin\":\"123456\",\"Hunter2-s3cret\":1}}\n",
        b"{\"v\":1,\"id\":4,\"call\":{\"op\":\"sign_in\",\"user\":\"admin\",\"pin\":123456\n",
    ];
    let mut answers = String::new();
    for frame in frames {
        raw.send(frame);
        let r = raw.recv();
        assert!(matches!(r.error, Some(WireError::BadFrame { .. })), "{r:?}");
        answers.push_str(&r.to_line());
    }
    assert!(
        answers.contains("\"invalid type at line 1 column 66\""),
        "the answer still says what was wrong: {answers}"
    );
    drop(raw);
    drop(s);
    let log = String::from_utf8(log.0.lock().unwrap().clone()).unwrap();
    assert!(log.contains("bad frame"), "the log was captured: {log}");
    for secret in ["123456", "Hunter2", "s3cret"] {
        assert!(!answers.contains(secret), "{secret} in {answers}");
        assert!(!log.contains(secret), "{secret} in {log}");
    }
}

/// Feeds `bytes` to one connection, then closes its sending side; returns
/// the answer lines.
fn feed(s: &Served, bytes: &[u8]) -> Vec<String> {
    let mut raw = Raw::open(s);
    raw.send(bytes);
    raw.writer.shutdown(std::net::Shutdown::Write).unwrap();
    let mut out = Vec::new();
    let mut line = String::new();
    loop {
        line.clear();
        match raw.reader.read_line(&mut line) {
            Ok(0) => return out,
            Ok(_) => out.push(line.clone()),
            Err(e) => panic!("the kiosk did not finish with the connection: {e}"),
        }
    }
}

fn frame_bytes() -> impl Strategy<Value = Vec<u8>> {
    let valid = prop_oneof![
        Just(br#"{"v":1,"id":1,"call":{"op":"hello","client":"p"}}"#.to_vec()),
        Just(br#"{"v":1,"id":2,"call":{"op":"users"}}"#.to_vec()),
        Just(br#"{"v":1,"id":3,"call":{"op":"sign_in","user":"admin","pin":"1"}}"#.to_vec()),
        Just(
            br#"{"v":1,"id":4,"call":{"op":"command","command":{"command":"sign_out"}}}"#.to_vec()
        ),
    ];
    prop_oneof![
        // Random bytes, newlines included.
        proptest::collection::vec(any::<u8>(), 0..400),
        // A valid frame cut short or with bytes flipped.
        (valid.clone(), any::<prop::sample::Index>()).prop_map(|(f, i)| {
            let cut = i.index(f.len() + 1);
            f[..cut].to_vec()
        }),
        (valid.clone(), any::<prop::sample::Index>(), any::<u8>()).prop_map(|(mut f, i, b)| {
            let at = i.index(f.len());
            f[at] = b;
            f
        }),
        // Several frames, some good, some not, in one write.
        proptest::collection::vec(
            prop_oneof![valid, proptest::collection::vec(any::<u8>(), 0..40)],
            1..6
        )
        .prop_map(|frames| frames.join(&b'\n')),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: crate::engine::props::cases(64),
        ..ProptestConfig::default()
    })]

    /// Whatever arrives, every answer is a well-formed line, nothing
    /// panics or hangs, and the kiosk goes on serving.
    #[test]
    fn random_and_truncated_frames_never_break_the_kiosk(frames in proptest::collection::vec(frame_bytes(), 1..4)) {
        let s = SHARED.with(|s| s.path());
        let _ = s;
        SHARED.with(|s| {
            for bytes in &frames {
                let lines = feed(s, bytes);
                for line in &lines {
                    let r: Response = serde_json::from_str(line).expect("a well-formed answer");
                    assert_eq!(r.v, VERSION);
                    assert!(r.ok.is_some() ^ r.error.is_some(), "{line}");
                }
                let mut raw = Raw::open(s);
                raw.hello_works();
            }
        });
    }

    /// The frame reader splits any byte stream into the same lines a plain
    /// split would, and never keeps more than one frame's worth.
    #[test]
    fn frame_reader_agrees_with_a_plain_split(chunks in proptest::collection::vec(proptest::collection::vec(prop_oneof![Just(b'\n'), Just(b'a'), any::<u8>()], 0..200), 0..8), cap in 1usize..4) {
        let bytes: Vec<u8> = chunks.concat();
        let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
        let mut reader = tokio::io::BufReader::with_capacity(cap * 7, bytes.as_slice());
        let mut got = Vec::new();
        rt.block_on(async {
            loop {
                match read_frame(&mut reader).await.unwrap() {
                    Frame::End => break,
                    Frame::Line(l) => got.push(l),
                    Frame::TooLong => panic!("no line here is that long"),
                }
            }
        });
        let want: Vec<Vec<u8>> = bytes
            .split(|b| *b == b'\n')
            .map(|l| l.strip_suffix(b"\r").unwrap_or(l).to_vec())
            .filter(|l| !l.iter().all(u8::is_ascii_whitespace))
            .collect();
        prop_assert_eq!(got, want);
    }
}

thread_local! {
    /// One served kiosk for all the cases of the frame property.
    static SHARED: Served = served();
}
