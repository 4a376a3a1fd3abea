//! The QR code of a pickup, as a PNG attachment and as text art for
//! plain-text mail readers.

use qrcode::{EcLevel, QrCode};

/// Pixels per module and the quiet zone around the code, in modules.
const SCALE: usize = 6;
const QUIET: usize = 4;

fn code(payload: &str) -> Option<QrCode> {
    QrCode::with_error_correction_level(payload.as_bytes(), EcLevel::M).ok()
}

/// A black-on-white grayscale PNG of the payload.
pub fn png(payload: &str) -> Option<Vec<u8>> {
    let qr = code(payload)?;
    let width = qr.width();
    let dark = qr.to_colors();
    let side = (width + 2 * QUIET) * SCALE;
    let mut pixels = vec![255u8; side * side];
    for y in 0..width {
        for x in 0..width {
            if dark[y * width + x] == qrcode::Color::Dark {
                for dy in 0..SCALE {
                    let row = (y + QUIET) * SCALE + dy;
                    let start = row * side + (x + QUIET) * SCALE;
                    pixels[start..start + SCALE].fill(0);
                }
            }
        }
    }
    let mut out = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut out, side as u32, side as u32);
        enc.set_color(png::ColorType::Grayscale);
        enc.set_depth(png::BitDepth::Eight);
        let mut w = enc.write_header().ok()?;
        w.write_image_data(&pixels).ok()?;
    }
    Some(out)
}

/// Text art with half-block characters: two modules per character row.
pub fn text_art(payload: &str) -> Option<String> {
    let qr = code(payload)?;
    Some(
        qr.render::<qrcode::render::unicode::Dense1x2>()
            .quiet_zone(true)
            .build(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn png_has_the_png_signature_and_a_sane_size() {
        let bytes = png("LKR1:A:00112233445566778899aabbccddeeff").unwrap();
        assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n");
        assert!(bytes.len() > 100 && bytes.len() < 20_000, "{}", bytes.len());
    }

    #[test]
    fn text_art_is_square_ish() {
        let art = text_art("LKR1:A:00112233445566778899aabbccddeeff").unwrap();
        let lines: Vec<_> = art.lines().collect();
        let width = lines[0].chars().count();
        assert!(
            lines.len() * 2 >= width - 2 && lines.len() * 2 <= width + 2,
            "{} x {}",
            width,
            lines.len()
        );
    }
}
