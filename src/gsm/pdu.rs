//! The SMS-SUBMIT PDU (TS 23.040 9.2.2.2) as a modem takes it in PDU mode
//! (`AT+CMGF=0`, TS 27.005 3.5.1): how a part of a concatenated message
//! carries its reference, count and number in a user data header
//! (information element 0x00, TS 23.040 9.2.3.24.1). Text mode has no
//! standard way to send that header, so the parts of a long text go in PDU
//! mode; a text that fits in one message goes in text mode.

use super::alphabet::{from_septets, to_septets};
use super::parts::Coding;

/// First octet: SMS-SUBMIT, relative validity period present.
const SUBMIT: u8 = 0x11;
/// The user data begins with a header.
const UDHI: u8 = 0x40;
/// Validity period: 0xA7 is 24 hours.
pub const VALIDITY_24H: u8 = 0xA7;

/// Which part of which message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Concat {
    pub reference: u8,
    pub total: u8,
    pub seq: u8,
}

/// A decoded SMS-SUBMIT.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Submit {
    pub number: String,
    pub coding: Coding,
    pub concat: Option<Concat>,
    pub text: String,
}

/// `+34 600-123 456` as the address field wants it: digits, and whether it
/// is international.
pub fn digits(number: &str) -> (String, bool) {
    let international = number.trim_start().starts_with('+');
    let d = number.chars().filter(char::is_ascii_digit).collect();
    (d, international)
}

/// The type of number: 145 international, 129 otherwise.
pub fn type_of_number(international: bool) -> u8 {
    if international { 0x91 } else { 0x81 }
}

/// The UTF-16 units of `text` in upper-case hex, as UCS-2 text mode and
/// the PDU's user data carry them.
pub fn ucs2_hex(text: &str) -> String {
    text.encode_utf16().map(|u| format!("{u:04X}")).collect()
}

/// Hex of UTF-16 units back to text.
pub fn from_ucs2_hex(hex: &str) -> Result<String, String> {
    let bytes = hex::decode(hex).map_err(|e| format!("not hex: {e}"))?;
    if bytes.len() % 2 != 0 {
        return Err("UCS-2 needs whole 16-bit units".into());
    }
    let units: Vec<u16> = bytes
        .chunks(2)
        .map(|c| u16::from_be_bytes([c[0], c[1]]))
        .collect();
    String::from_utf16(&units).map_err(|e| e.to_string())
}

/// Septets packed 8 to 7 octets, least significant bits first.
fn pack(septets: &[u8]) -> Vec<u8> {
    let mut out = vec![0u8; (septets.len() * 7).div_ceil(8)];
    for (i, &s) in septets.iter().enumerate() {
        let bit = i * 7;
        let (byte, shift) = (bit / 8, bit % 8);
        out[byte] |= (s & 0x7F) << shift;
        if shift > 1 {
            out[byte + 1] |= (s & 0x7F) >> (8 - shift);
        }
    }
    out
}

fn unpack(octets: &[u8], count: usize) -> Vec<u8> {
    (0..count)
        .map(|i| {
            let bit = i * 7;
            let (byte, shift) = (bit / 8, bit % 8);
            let low = octets.get(byte).copied().unwrap_or(0) >> shift;
            let high = if shift > 1 {
                octets.get(byte + 1).copied().unwrap_or(0) << (8 - shift)
            } else {
                0
            };
            (low | high) & 0x7F
        })
        .collect()
}

/// The PDU in hex (with an empty SMSC field: the modem's stored centre)
/// and the length `AT+CMGS=` is given: the octets after the SMSC field.
pub fn submit(number: &str, coding: Coding, text: &str, concat: Option<Concat>) -> (String, usize) {
    let (digits, international) = digits(number);
    let mut tpdu = vec![
        SUBMIT | if concat.is_some() { UDHI } else { 0 },
        0x00, // message reference: the modem sets it
        digits.len() as u8,
        type_of_number(international),
    ];
    let nibbles: Vec<u8> = digits.bytes().map(|b| b - b'0').collect();
    for pair in nibbles.chunks(2) {
        tpdu.push(pair[0] | (pair.get(1).copied().unwrap_or(0xF) << 4));
    }
    tpdu.extend([0x00, coding.dcs(), VALIDITY_24H]);
    let header: Vec<u8> = concat
        .map(|c| vec![0x05, 0x00, 0x03, c.reference, c.total, c.seq])
        .unwrap_or_default();
    match coding {
        Coding::Gsm7 => {
            // The header is followed by fill bits up to a septet boundary:
            // the text's septets start after as many septets as the header
            // covers.
            let skip = (header.len() * 8).div_ceil(7);
            let septets = to_septets(text).unwrap_or_default();
            let mut all = vec![0u8; skip];
            all.extend(&septets);
            let mut ud = pack(&all);
            ud[..header.len()].copy_from_slice(&header);
            tpdu.push(all.len() as u8);
            tpdu.extend(ud);
        }
        Coding::Ucs2 => {
            let mut ud = header;
            ud.extend(text.encode_utf16().flat_map(u16::to_be_bytes));
            tpdu.push(ud.len() as u8);
            tpdu.extend(ud);
        }
    }
    (format!("00{}", hex::encode_upper(&tpdu)), tpdu.len())
}

/// Reads an SMS-SUBMIT as a network would; `length` is the count the
/// `AT+CMGS=` gave, which must match. The error says what is wrong.
pub fn decode_submit(hex_pdu: &str, length: usize) -> Result<Submit, String> {
    let all = hex::decode(hex_pdu.trim()).map_err(|e| format!("not hex: {e}"))?;
    let smsc = usize::from(*all.first().ok_or("empty PDU")?);
    let tpdu = all.get(1 + smsc..).ok_or("SMSC field runs past the end")?;
    if tpdu.len() != length {
        return Err(format!("length {length} given, {} sent", tpdu.len()));
    }
    let mut at = 0usize;
    let mut take = |n: usize| -> Result<&[u8], String> {
        let s = tpdu.get(at..at + n).ok_or("PDU ends early")?;
        at += n;
        Ok(s)
    };
    let first = take(1)?[0];
    if first & 0x03 != 0x01 {
        return Err(format!("first octet {first:02X} is not SMS-SUBMIT"));
    }
    take(1)?; // message reference
    let da_len = usize::from(take(1)?[0]);
    let toa = take(1)?[0];
    let mut number = if toa == 0x91 {
        "+".to_string()
    } else {
        String::new()
    };
    for octet in take(da_len.div_ceil(2))? {
        for nibble in [octet & 0x0F, octet >> 4] {
            if nibble <= 9 && number.trim_start_matches('+').len() < da_len {
                number.push(char::from(b'0' + nibble));
            }
        }
    }
    take(1)?; // protocol identifier
    let coding = match take(1)?[0] {
        0x00 => Coding::Gsm7,
        0x08 => Coding::Ucs2,
        other => return Err(format!("data coding scheme {other:02X} not supported")),
    };
    match (first >> 3) & 0x03 {
        0 => {}
        2 => {
            take(1)?;
        }
        _ => {
            take(7)?;
        }
    }
    let udl = usize::from(take(1)?[0]);
    let ud = tpdu.get(at..).ok_or("no user data")?;
    let header = if first & UDHI != 0 {
        let udhl = usize::from(*ud.first().ok_or("no header")?);
        ud.get(..=udhl).ok_or("header runs past the end")?.to_vec()
    } else {
        Vec::new()
    };
    let concat = match header.get(1..) {
        Some([0x00, 0x03, reference, total, seq, ..]) => Some(Concat {
            reference: *reference,
            total: *total,
            seq: *seq,
        }),
        _ => None,
    };
    let text = match coding {
        Coding::Gsm7 => {
            if udl > 160 {
                return Err(format!("{udl} septets, more than 160"));
            }
            if ud.len() != (udl * 7).div_ceil(8) {
                return Err(format!("{udl} septets do not fill {} octets", ud.len()));
            }
            let skip = (header.len() * 8).div_ceil(7);
            from_septets(unpack(ud, udl).get(skip..).unwrap_or_default())
        }
        Coding::Ucs2 => {
            if udl > 140 || ud.len() != udl {
                return Err(format!("user data length {udl} for {} octets", ud.len()));
            }
            from_ucs2_hex(&hex::encode(&ud[header.len()..]))?
        }
    };
    Ok(Submit {
        number,
        coding,
        concat,
        text,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packs_hello_as_the_textbook_example() {
        // TS 23.040's and every tutorial's "hellohello".
        let septets = to_septets("hellohello").unwrap();
        assert_eq!(hex::encode_upper(pack(&septets)), "E8329BFD4697D9EC37");
        assert_eq!(unpack(&pack(&septets), 10), septets);
    }

    #[test]
    fn a_single_message_pdu_reads_back() {
        let (pdu, len) = submit("+34 600 123 456", Coding::Gsm7, "Hola [ok] @ €5", None);
        assert!(pdu.starts_with("0011000B914306103254F6"), "{pdu}");
        let s = decode_submit(&pdu, len).unwrap();
        assert_eq!(s.number, "+34600123456");
        assert_eq!(s.text, "Hola [ok] @ €5");
        assert_eq!(s.concat, None);
        assert!(
            decode_submit(&pdu, len + 1).is_err(),
            "a wrong length is refused"
        );
    }

    #[test]
    fn parts_carry_their_reference_count_and_number() {
        let c = Concat {
            reference: 7,
            total: 2,
            seq: 2,
        };
        for (coding, text) in [
            (Coding::Gsm7, "tail of it"),
            (Coding::Ucs2, "recogida en el casillero, ¡ánimo!"),
        ] {
            let (pdu, len) = submit("600123456", coding, text, Some(c));
            let s = decode_submit(&pdu, len).unwrap();
            assert_eq!((s.number.as_str(), s.coding), ("600123456", coding));
            assert_eq!(s.concat, Some(c));
            assert_eq!(s.text, text);
        }
    }

    #[test]
    fn ucs2_hex_round_trips_spanish() {
        assert_eq!(ucs2_hex("Código"), "004300F3006400690067006F");
        assert_eq!(from_ucs2_hex("004300F3006400690067006F").unwrap(), "Código");
        assert!(from_ucs2_hex("00F").is_err());
    }
}
