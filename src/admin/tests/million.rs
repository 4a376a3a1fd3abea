//! The audit viewer on a million entries: the first page (the newest) and
//! the last (the oldest) come from sled's order, never from loading the log.

use chrono::{Duration, TimeZone, Utc};

use super::Desk;
use crate::admin::Screen;
use crate::store::audit::{self, AuditDraft, AuditFilter};
use crate::testkit::driver::ADMIN;

const ENTRIES: u64 = 1_000_000;

#[test]
fn audit_viewer_pages_through_a_million_entries() {
    let mut desk = Desk::new();
    let before = audit::page(desk.d.engine.store(), None, 1, &AuditFilter::default())
        .expect("audit")
        .first()
        .map_or(0, |e| e.seq);
    let start = Utc
        .with_ymd_and_hms(2026, 1, 1, 0, 0, 0)
        .single()
        .expect("date");
    let written = audit::append_many(
        desk.d.engine.store(),
        (0..ENTRIES).map(|i| AuditDraft {
            at: start + Duration::seconds(i as i64),
            actor: "load".into(),
            action: "door_test".into(),
            compartment: Some(crate::domain::CompartmentId((i % 16 + 1) as u16)),
            parcel: None,
            detail: format!("entry {i}"),
        }),
    )
    .expect("bulk load");
    assert_eq!(written, ENTRIES);
    let total = before + ENTRIES;
    desk.sign_in(ADMIN.0, ADMIN.1);
    desk.keys("6");
    let Screen::Audit { page, .. } = desk.screen().clone() else {
        panic!("not the audit screen");
    };
    // The newest first: the sign-in just now, then the last loaded entry.
    assert_eq!(page.entries.len(), crate::engine::read::AUDIT_PAGE);
    assert_eq!(page.entries[0].action, "sign_in");
    assert_eq!(page.entries[1].seq, total);
    assert_eq!(page.entries[1].detail, format!("entry {}", ENTRIES - 1));
    // Down walks the page's rows, then on to the older page.
    desk.down(crate::engine::read::AUDIT_PAGE - 1);
    let Screen::Audit { cursor, .. } = desk.screen().clone() else {
        panic!("not the audit screen");
    };
    assert_eq!(cursor, crate::engine::read::AUDIT_PAGE - 1);
    desk.down(1);
    let Screen::Audit { page: second, .. } = desk.screen().clone() else {
        panic!("not the audit screen");
    };
    assert_eq!(
        second.entries[0].seq,
        page.entries.last().map_or(0, |e| e.seq) - 1
    );
    desk.keys("k");
    let Screen::Audit { page: again, .. } = desk.screen().clone() else {
        panic!("not the audit screen");
    };
    assert_eq!(again.entries, page.entries, "back to the first page");
    // The last page: the oldest entries, the driver's own set-up first.
    let last = audit::page(
        desk.d.engine.store(),
        Some(crate::engine::read::AUDIT_PAGE as u64 + 1),
        crate::engine::read::AUDIT_PAGE,
        &AuditFilter::default(),
    )
    .expect("last page");
    assert_eq!(last.len(), crate::engine::read::AUDIT_PAGE);
    assert_eq!(last.last().map(|e| e.seq), Some(1));
    // A filter far from the newest still answers from the index order.
    desk.keys("0door 7\n");
    let Screen::Audit { page: door7, .. } = desk.screen().clone() else {
        panic!("not the audit screen");
    };
    assert!(
        door7
            .entries
            .iter()
            .all(|e| e.compartment == Some(crate::domain::CompartmentId(7)))
    );
    assert_eq!(door7.entries.len(), crate::engine::read::AUDIT_PAGE);
    assert!(desk.text().contains("entry 999"), "{}", desk.text());
}

#[test]
fn bulk_loaded_entries_chain_on_to_ordinary_ones() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = crate::store::Store::open(dir.path()).expect("store");
    let draft = |i: u64| AuditDraft {
        at: Utc
            .with_ymd_and_hms(2026, 1, 1, 0, 0, 0)
            .single()
            .expect("date")
            + Duration::seconds(i as i64),
        actor: "load".into(),
        action: "door_test".into(),
        compartment: None,
        parcel: None,
        detail: format!("entry {i}"),
    };
    store
        .transact::<_, ()>(|tx| tx.audit(draft(0)))
        .expect("first entry");
    assert_eq!(
        audit::append_many(&store, (1..25_001).map(draft)).expect("bulk"),
        25_000
    );
    store
        .transact::<_, ()>(|tx| tx.audit(draft(99)))
        .expect("entry after the bulk");
    let report = audit::verify(&store).expect("verify");
    assert!(report.ok(), "{report:?}");
    assert_eq!(report.checked, 25_002);
}
