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
            field(&format!("{:?}", m.kind)),
            field(&m.actor),
            field(&m.note)
        )?;
    }
    Ok(())
}
