//! CSV exports (RFC 4180): the audit log and the CCTV markers, read in
//! terminals and spreadsheets.

use std::io::{self, Write};

use super::CctvMarker;
use crate::domain::text::printable;

/// Quotes a field when it needs it; control characters go first.
pub fn field(s: &str) -> String {
    let s = printable(s);
    if s.contains([',', '"']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// The CCTV markers as CSV, header first (the command line and the
/// console's export).
pub fn write_markers(markers: &[CctvMarker], out: &mut impl Write) -> io::Result<()> {
    writeln!(out, "id,at,kiosk,compartment,camera,kind,actor,note")?;
    for m in markers {
        writeln!(
            out,
            "{},{},{},{},{},{},{},{}",
            m.id,
            m.at.to_rfc3339(),
            field(&m.kiosk),
            m.compartment.map(|c| c.to_string()).unwrap_or_default(),
            field(m.camera.as_deref().unwrap_or("")),
            m.kind.name(),
            field(&m.actor),
            field(&m.note)
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::MarkerKind;

    #[test]
    fn marker_kinds_in_csv_are_the_jsonl_names() {
        let kinds = [
            MarkerKind::ForcedOpen,
            MarkerKind::ManualUnlock,
            MarkerKind::ProblemReported,
            MarkerKind::DailyCap,
            MarkerKind::Manual,
        ];
        let markers: Vec<CctvMarker> = kinds
            .iter()
            .enumerate()
            .map(|(i, kind)| CctvMarker {
                id: i as u64 + 1,
                at: chrono::Utc::now(),
                kiosk: "A".into(),
                compartment: None,
                camera: None,
                kind: *kind,
                actor: "kiosk".into(),
                note: String::new(),
            })
            .collect();
        let mut out = Vec::new();
        write_markers(&markers, &mut out).unwrap();
        let csv = String::from_utf8(out).unwrap();
        for (m, line) in markers.iter().zip(csv.lines().skip(1)) {
            let json = serde_json::to_value(m).unwrap();
            let name = json["kind"].as_str().unwrap();
            assert_eq!(line.split(',').nth(5), Some(name), "{line}");
        }
    }
}
