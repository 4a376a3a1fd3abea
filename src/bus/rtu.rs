//! Modbus RTU framing shared by the simulator (the slave side) and the
//! places where the client needs raw frames: CRC-16/Modbus, frame lengths
//! and the wire-time arithmetic of docs/PERFORMANCE.md.

use std::time::Duration;

/// CRC-16/Modbus (poly 0xA001 reflected, init 0xFFFF). On the wire the low
/// byte goes first.
pub fn crc16(data: &[u8]) -> u16 {
    let mut crc: u16 = 0xFFFF;
    for &byte in data {
        crc ^= u16::from(byte);
        for _ in 0..8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ 0xA001
            } else {
                crc >> 1
            };
        }
    }
    crc
}

/// `slave id + pdu + CRC`.
pub fn frame(slave: u8, pdu: &[u8]) -> Vec<u8> {
    let mut f = Vec::with_capacity(pdu.len() + 3);
    f.push(slave);
    f.extend_from_slice(pdu);
    let crc = crc16(&f);
    f.extend_from_slice(&crc.to_le_bytes());
    f
}

/// Whether a whole frame (id, pdu, CRC) carries a good CRC.
pub fn crc_ok(frame: &[u8]) -> bool {
    if frame.len() < 4 {
        return false;
    }
    let (body, crc) = frame.split_at(frame.len() - 2);
    crc16(body).to_le_bytes() == [crc[0], crc[1]]
}

/// Length of a request frame from its first bytes, for the slave side:
/// `Some(Some(n))` known, `Some(None)` need more bytes, `None` a function
/// code whose length only the end-of-frame silence tells.
pub fn request_len(buf: &[u8]) -> Option<Option<usize>> {
    let Some(&function) = buf.get(1) else {
        return Some(None);
    };
    match function {
        0x01..=0x06 => Some(Some(8)),
        0x0F | 0x10 => Some(buf.get(6).map(|&n| 9 + usize::from(n))),
        _ => None,
    }
}

/// Length of a response frame from its first bytes, for the client side.
pub fn response_len(buf: &[u8]) -> Option<usize> {
    let &function = buf.get(1)?;
    match function {
        0x01..=0x04 => buf.get(2).map(|&n| 5 + usize::from(n)),
        0x05 | 0x06 | 0x0F | 0x10 => Some(8),
        f if f & 0x80 != 0 => Some(5),
        _ => None,
    }
}

pub use crate::hardware::line::{BITS_PER_CHAR, FIXED_GAP_ABOVE_BAUD, frame_gap, wire_time};

/// The wire-time limit of one exchange (docs/PERFORMANCE.md): both frames on the line
/// plus the silence after each.
pub fn exchange_limit(request: usize, response: usize, baud: u32) -> Duration {
    wire_time(request + response, baud) + 2 * frame_gap(baud)
}

/// Response size of an FC02 read of `count` inputs.
pub fn fc02_response_len(count: u16) -> usize {
    5 + usize::from(count).div_ceil(8)
}

/// Unpack FC01/FC02 response data bits, LSB first.
pub fn unpack_bits(data: &[u8], count: usize) -> Vec<bool> {
    (0..count)
        .map(|i| data.get(i / 8).is_some_and(|b| b & (1 << (i % 8)) != 0))
        .collect()
}

/// Pack bits LSB first, as FC01/FC02 send them.
pub fn pack_bits(bits: &[bool]) -> Vec<u8> {
    let mut out = vec![0u8; bits.len().div_ceil(8)];
    for (i, &b) in bits.iter().enumerate() {
        if b {
            out[i / 8] |= 1 << (i % 8);
        }
    }
    out
}

/// Sleep until `deadline` to within tens of microseconds. tokio's timer has
/// a 1 ms grain, which on a 9600 baud line is a tenth of a frame; a thread
/// sleep on the blocking pool is exact and burns no CPU, so frame gaps and
/// the simulator's wire time are what they claim to be.
pub async fn sleep_until_precise(deadline: tokio::time::Instant) {
    let left = deadline.saturating_duration_since(tokio::time::Instant::now());
    if left.is_zero() {
        return;
    }
    if tokio::task::spawn_blocking(move || std::thread::sleep(left))
        .await
        .is_err()
    {
        tokio::time::sleep_until(deadline).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc_matches_the_modbus_spec_example() {
        // Read 2 holding registers at 0 from slave 1: 01 03 00 00 00 02 C4 0B
        let f = frame(1, &[0x03, 0x00, 0x00, 0x00, 0x02]);
        assert_eq!(f, vec![0x01, 0x03, 0x00, 0x00, 0x00, 0x02, 0xC4, 0x0B]);
        assert!(crc_ok(&f));
        let mut bad = f.clone();
        bad[7] ^= 1;
        assert!(!crc_ok(&bad));
        assert!(!crc_ok(&[1, 2]));
    }

    #[test]
    fn waveshare_flash_frame_matches_its_manual() {
        // Relay 0 flash-on for 700 ms: 01 05 02 00 00 07 8D B0
        assert_eq!(
            frame(1, &[0x05, 0x02, 0x00, 0x00, 0x07]),
            vec![0x01, 0x05, 0x02, 0x00, 0x00, 0x07, 0x8D, 0xB0]
        );
    }

    #[test]
    fn fc02_for_48_inputs_is_27_ms_at_9600() {
        assert_eq!(fc02_response_len(48), 11);
        let limit = exchange_limit(8, 11, 9600);
        assert_eq!(limit.as_micros(), 27_083);
    }

    #[test]
    fn frame_gap_follows_the_modbus_rule() {
        assert_eq!(frame_gap(9600).as_micros(), 3_645);
        assert_eq!(frame_gap(19_200).as_micros(), 1_822);
        assert_eq!(frame_gap(38_400), Duration::from_micros(1750));
        assert_eq!(frame_gap(115_200), Duration::from_micros(1750));
    }

    #[test]
    fn frame_lengths() {
        assert_eq!(request_len(&[1]), Some(None));
        assert_eq!(request_len(&[1, 2]), Some(Some(8)));
        assert_eq!(request_len(&[1, 0x0F, 0, 0, 0, 9]), Some(None));
        assert_eq!(request_len(&[1, 0x0F, 0, 0, 0, 9, 2]), Some(Some(11)));
        assert_eq!(request_len(&[1, 0x2B]), None);
        assert_eq!(response_len(&[1, 0x02, 6]), Some(11));
        assert_eq!(response_len(&[1, 0x82]), Some(5));
    }

    #[test]
    fn bits_round_trip() {
        let bits = [true, false, false, true, false, false, false, false, true];
        assert_eq!(pack_bits(&bits), vec![0b0000_1001, 0b1]);
        assert_eq!(unpack_bits(&pack_bits(&bits), 9), bits);
    }
}
