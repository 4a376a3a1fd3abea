//! The admin console's first audit page at a million entries (docs/PERFORMANCE.md),
//! and checking the whole chain.
//! The log is written once per run into a temporary directory (bulk, with
//! a correct chain) and every case reads that same database.

use std::time::Duration;

use chrono::{TimeZone, Utc};
use criterion::{Criterion, criterion_group, criterion_main};
use locker::domain::CompartmentId;
use locker::store::Store;
use locker::store::audit::{self, AuditDraft, AuditFilter};

const ENTRIES: u64 = 1_000_000;
const PAGE: usize = 14;

fn first_page(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = Store::open(dir.path()).expect("store");
    let start = Utc
        .with_ymd_and_hms(2026, 1, 1, 0, 0, 0)
        .single()
        .expect("date");
    audit::append_many(
        &store,
        (0..ENTRIES).map(|i| AuditDraft {
            at: start + chrono::Duration::seconds(i as i64),
            actor: if i % 100 == 0 { "admin" } else { "bus" }.into(),
            action: "door_test".into(),
            compartment: Some(CompartmentId((i % 30 + 1) as u16)),
            parcel: None,
            detail: format!("entry {i}"),
        }),
    )
    .expect("bulk load");
    store.flush().expect("flush");
    let mut group = c.benchmark_group("audit_1m");
    group
        .sample_size(20)
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_secs(2));
    let all = AuditFilter::default();
    group.bench_function("first_page", |b| {
        b.iter(|| audit::page(&store, None, PAGE, &all).expect("page"))
    });
    group.bench_function("last_page", |b| {
        b.iter(|| audit::page(&store, Some(PAGE as u64 + 1), PAGE, &all).expect("page"))
    });
    let door = AuditFilter {
        compartment: Some(CompartmentId(7)),
        ..AuditFilter::default()
    };
    group.bench_function("first_page_one_door", |b| {
        b.iter(|| audit::page(&store, None, PAGE, &door).expect("page"))
    });
    // One entry in a hundred is the admin's: the filter reads ~1400 entries.
    let actor = AuditFilter {
        actor: Some("admin".into()),
        ..AuditFilter::default()
    };
    group.bench_function("first_page_one_actor", |b| {
        b.iter(|| audit::page(&store, None, PAGE, &actor).expect("page"))
    });
    group.finish();
    // The whole chain: `locker audit verify`, which the control socket
    // runs beside the engine thread rather than on it.
    let mut whole = c.benchmark_group("audit_1m_verify");
    whole
        .sample_size(10)
        .warm_up_time(Duration::from_millis(100))
        .measurement_time(Duration::from_secs(10));
    whole.bench_function("verify_while_running", |b| {
        b.iter(|| {
            let r = audit::verify_while_running(&store).expect("verify");
            assert!(r.ok(), "{r:?}");
        })
    });
    whole.finish();
}

criterion_group!(benches, first_page);
criterion_main!(benches);
