//! The audit chain finds any edited, inserted or removed entry, by editing
//! the sled tree directly as an intruder with the disk would.

use chrono::{TimeZone, Utc};
use locker::store::{AuditDraft, Store, T, audit, seq_key};

fn log_with(n: u64) -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    for i in 0..n {
        store
            .transact::<_, ()>(|tx| {
                tx.audit(AuditDraft {
                    at: Utc.with_ymd_and_hms(2026, 11, 21, 10, 0, i as u32).unwrap(),
                    actor: "admin".into(),
                    action: "manual_unlock".into(),
                    compartment: None,
                    parcel: None,
                    detail: format!("reason {i}"),
                })
            })
            .unwrap();
    }
    (dir, store)
}

#[test]
fn intact_chain_verifies_and_counts_entries() {
    let (_d, store) = log_with(5);
    let r = audit::verify(&store).unwrap();
    assert!(r.ok(), "{r:?}");
    assert_eq!(r.checked, 5);
}

#[test]
fn any_single_changed_byte_of_any_entry_is_found() {
    let (_d, store) = log_with(4);
    let tree = store.tree(T::Audit);
    for seq in 1..=4u64 {
        let original = tree.get(seq_key(seq)).unwrap().unwrap();
        for pos in 0..original.len() {
            let mut bytes = original.to_vec();
            bytes[pos] ^= 0x01;
            tree.insert(seq_key(seq), bytes).unwrap();
            let r = audit::verify(&store).unwrap();
            assert!(
                !r.ok(),
                "entry {seq} byte {pos} changed but the chain verified"
            );
        }
        tree.insert(seq_key(seq), original).unwrap();
        assert!(audit::verify(&store).unwrap().ok());
    }
}

#[test]
fn removed_entry_is_found_first_middle_and_last() {
    for victim in [1u64, 3, 5] {
        let (_d, store) = log_with(5);
        store.tree(T::Audit).remove(seq_key(victim)).unwrap();
        let r = audit::verify(&store).unwrap();
        assert!(!r.ok(), "removing entry {victim} went unnoticed");
    }
}

#[test]
fn inserted_entry_is_found() {
    let (_d, store) = log_with(3);
    let tree = store.tree(T::Audit);
    // A copy of entry 2 inserted as entry 4 at the end, and one squeezed in between keys.
    let two = tree.get(seq_key(2)).unwrap().unwrap();
    tree.insert(seq_key(4), two.clone()).unwrap();
    assert!(!audit::verify(&store).unwrap().ok());
    tree.remove(seq_key(4)).unwrap();
    assert!(audit::verify(&store).unwrap().ok());
    let mut between = seq_key(2).to_vec();
    between.push(0);
    tree.insert(between, two).unwrap();
    assert!(!audit::verify(&store).unwrap().ok());
}

#[test]
fn first_page_is_the_newest_entries() {
    let (_d, store) = log_with(30);
    let page = audit::page(&store, None, 10, &audit::AuditFilter::default()).unwrap();
    assert_eq!(
        page.iter().map(|e| e.seq).collect::<Vec<_>>(),
        (21..=30).rev().collect::<Vec<_>>()
    );
    let next = audit::page(&store, Some(21), 10, &audit::AuditFilter::default()).unwrap();
    assert_eq!(next.first().map(|e| e.seq), Some(20));
}
