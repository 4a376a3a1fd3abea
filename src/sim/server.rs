//! The slave side of the simulated bus: RTU framing by length and silence,
//! silence for other ids and broadcasts, faults, and wire-time delays.

use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::time::Instant;
use tokio_serial::SerialStream;

use super::{Shared, SimOptions, lock};
use crate::bus::rtu::{crc_ok, frame, frame_gap, request_len, sleep_until_precise, wire_time};

/// How long a partial frame may wait for its rest. Bytes written at once to
/// a pty arrive together, so this only has to outlast scheduling hiccups.
const PARTIAL_FRAME_WAIT: Duration = Duration::from_millis(50);
/// Nobody holds the pty slave open (reads give EIO): look again after this.
const NO_CLIENT_RETRY: Duration = Duration::from_millis(20);

enum Reply {
    Silent,
    Send { bytes: Vec<u8>, late_by: Duration },
}

pub(crate) async fn serve(mut port: SerialStream, state: Shared, opts: SimOptions) {
    let mut buf: Vec<u8> = Vec::new();
    let mut chunk = [0u8; 512];
    let mut received_at = Instant::now();
    // The last moment the line carried bytes either way, and the silence
    // that came before the frame being assembled: the `resync` fault
    // measures the quiet a misframed board needs.
    let mut line_busy_at = Instant::now();
    let mut silence = Duration::MAX;
    loop {
        let read = if buf.is_empty() {
            Ok(port.read(&mut chunk).await)
        } else {
            tokio::time::timeout(PARTIAL_FRAME_WAIT, port.read(&mut chunk)).await
        };
        match read {
            Ok(Ok(n)) if n > 0 => {
                let now = Instant::now();
                if buf.is_empty() {
                    received_at = now;
                    silence = now.saturating_duration_since(line_busy_at);
                }
                line_busy_at = now;
                buf.extend_from_slice(&chunk[..n]);
            }
            Ok(_) => {
                // EIO or EOF: no client has the pty open (they reopen after
                // a timeout). Forget any partial frame and wait for one.
                buf.clear();
                tokio::time::sleep(NO_CLIENT_RETRY).await;
                continue;
            }
            Err(_silence) => {
                // The line went quiet: what we hold is one frame.
                let frame = std::mem::take(&mut buf);
                if answer(&mut port, &state, &opts, &frame, received_at, silence).await {
                    line_busy_at = Instant::now();
                }
                continue;
            }
        }
        // Take every complete frame the buffer holds.
        while let Some(Some(len)) = request_len(&buf) {
            if buf.len() < len {
                break;
            }
            let frame: Vec<u8> = buf.drain(..len).collect();
            if !crc_ok(&frame) {
                // Lost sync: a real slave waits for silence; drop it all.
                lock(&state).counters.bad_frames += 1;
                buf.clear();
                break;
            }
            if answer(&mut port, &state, &opts, &frame, received_at, silence).await {
                line_busy_at = Instant::now();
            }
            received_at = Instant::now();
            // Frames that came in one burst follow each other without a gap.
            silence = Duration::ZERO;
        }
    }
}

async fn answer(
    port: &mut SerialStream,
    state: &Shared,
    opts: &SimOptions,
    request: &[u8],
    received_at: Instant,
    silence: Duration,
) -> bool {
    let reply = decide(state, request, silence);
    let Reply::Send { bytes, late_by } = reply else {
        return false;
    };
    if opts.wire_time {
        // The request took its wire time to arrive, the slave waits for the
        // frame-ending silence, then its reply takes its own wire time.
        let due = received_at
            + wire_time(request.len(), opts.baud)
            + frame_gap(opts.baud)
            + wire_time(bytes.len(), opts.baud);
        sleep_until_precise(due + late_by).await;
    } else if !late_by.is_zero() {
        tokio::time::sleep(late_by).await;
    }
    let written = tokio::time::timeout(Duration::from_secs(1), async {
        port.write_all(&bytes).await?;
        port.flush().await
    })
    .await;
    if matches!(written, Ok(Ok(()))) {
        let mut s = lock(state);
        s.counters.replies_sent += 1;
        if let Some(b) = s.boards.get_mut(&request[0]) {
            b.replies_sent += 1;
        }
    }
    true
}

/// Whether and what to answer; `silence` is the quiet line before `request`.
fn decide(state: &Shared, request: &[u8], silence: Duration) -> Reply {
    let mut s = lock(state);
    if request.len() < 4 || !crc_ok(request) {
        s.counters.bad_frames += 1;
        return Reply::Silent;
    }
    s.counters.frames_seen += 1;
    let id = request[0];
    // Every board on the line hears every frame, whoever it is for.
    let mut understood = true;
    for b in s.boards.values_mut().filter(|b| !b.faults.offline) {
        understood &= b.hear(id, silence);
    }
    if id == 0 {
        // Broadcasts are never answered, and never unlock anything either:
        // one stray frame must not open every door in the bank.
        s.counters.broadcasts += 1;
        return Reply::Silent;
    }
    let physics = s.physics;
    let Some(board) = s.boards.get_mut(&id) else {
        return Reply::Silent;
    };
    if board.faults.offline || !understood {
        return Reply::Silent;
    }
    board.frames_seen += 1;
    let pdu = &request[1..request.len() - 2];
    let reply = board.answer(pdu, std::time::Instant::now(), physics);
    if board.faults.drop_replies > 0 {
        board.faults.drop_replies -= 1;
        return Reply::Silent;
    }
    let mut bytes = frame(id, &reply);
    if board.faults.bad_crc > 0 {
        board.faults.bad_crc -= 1;
        let last = bytes.len() - 1;
        bytes[last] ^= 0x5A;
    }
    let mut late_by = Duration::ZERO;
    if board.faults.late_replies > 0 {
        board.faults.late_replies -= 1;
        late_by = board.faults.late_by;
    }
    Reply::Send { bytes, late_by }
}
