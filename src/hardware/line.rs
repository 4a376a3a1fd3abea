//! The RS-485 line's timing at 8N1: what a character and a frame gap take.

use std::time::Duration;

/// Bits per character at 8N1 (start, 8 data, stop), as docs/PERFORMANCE.md counts.
pub const BITS_PER_CHAR: u64 = 10;

/// Time `bytes` take on the line at `baud`.
pub fn wire_time(bytes: usize, baud: u32) -> Duration {
    Duration::from_nanos(bytes as u64 * BITS_PER_CHAR * 1_000_000_000 / u64::from(baud.max(1)))
}

/// Above this rate the Modbus RTU spec fixes the frame gap instead of
/// counting characters.
pub const FIXED_GAP_ABOVE_BAUD: u32 = 19_200;

/// The silence that ends an RTU frame (t3.5): 3.5 character times, and a
/// fixed 1.75 ms above 19200 baud, where the Modbus serial-line spec stops
/// scaling it because slaves cannot time shorter gaps reliably.
pub fn frame_gap(baud: u32) -> Duration {
    if baud > FIXED_GAP_ABOVE_BAUD {
        return Duration::from_micros(1750);
    }
    Duration::from_nanos(35 * BITS_PER_CHAR * 100_000_000 / u64::from(baud.max(1)))
}
