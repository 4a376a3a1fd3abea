//! Crash points: the step boundaries of every flow that moves a door
//! (docs/RELIABILITY.md: "abort between each step").
//!
//! In test builds a point aborts the process when `LOCKER_CRASH_AT` names
//! it, as a power cut would (with `LOCKER_CRASH_HOLD` set it stops there
//! until the test kills the process), and records that it was reached, so
//! a test can check which points a flow passes (the test is in
//! `crash_tests/`). In every other build a point is an empty inline
//! function: the kiosk carries nothing of this.

use crate::store::IntentKind;

/// Every crash point, flow by flow, in the order a flow reaches them.
/// `<purpose>.<step>` for the steps every pulse goes through (see
/// [`door`]); the purpose is [`IntentKind::as_str`]. Only test builds
/// read it.
#[cfg_attr(not(test), allow(dead_code))]
pub(crate) const POINTS: &[&str] = &[
    // Staff sign-in (courier for a deposit, admin for unlock and removal).
    "sign_in.after_audit",
    // Deposit: reserve + intent committed, flushed, pulsed, opened, closed.
    "deposit.after_intent",
    "deposit.before_pulse",
    "deposit.after_pulse",
    "deposit.door_opened",
    "deposit.door_closed",
    "deposit.after_store",
    // The code's message handed to the relay, then recorded as sent.
    "outbox.sending",
    "outbox.after_sent",
    // Pickup by code.
    "pickup.code_ok",
    "pickup.after_intent",
    "pickup.before_pulse",
    "pickup.after_pulse",
    "pickup.door_opened",
    "pickup.door_closed",
    "pickup.after_confirm",
    // Re-open within the window after a pickup.
    "reopen.after_intent",
    "reopen.before_pulse",
    "reopen.after_pulse",
    "reopen.door_opened",
    "reopen.door_closed",
    "reopen.after_close",
    // Manual unlock by an admin.
    "manual_unlock.after_intent",
    "manual_unlock.before_pulse",
    "manual_unlock.after_pulse",
    "manual_unlock.door_opened",
    "manual_unlock.door_closed",
    "manual_unlock.after_close",
    // Expiry, then staff take the parcel out.
    "expiry.after_expire",
    "removal.after_intent",
    "removal.before_pulse",
    "removal.after_pulse",
    "removal.door_opened",
    "removal.door_closed",
    "removal.after_remove",
    // A return dropped off with its code, then collected by a courier.
    "return_drop.after_intent",
    "return_drop.before_pulse",
    "return_drop.after_pulse",
    "return_drop.door_opened",
    "return_drop.door_closed",
    "return.after_drop",
    "return_collect.after_intent",
    "return_collect.before_pulse",
    "return_collect.after_pulse",
    "return_collect.door_opened",
    "return_collect.door_closed",
    "return.after_collect",
];

#[cfg(not(test))]
#[inline(always)]
pub(crate) fn point(_name: &'static str) {}

#[cfg(not(test))]
#[inline(always)]
pub(crate) fn door(_kind: IntentKind, _step: &'static str) {}

/// A step boundary: records it, and aborts here if the test asked to.
#[cfg(test)]
pub(crate) fn point(name: &'static str) {
    assert!(
        POINTS.contains(&name),
        "crash point {name} is missing from crash::POINTS"
    );
    REACHED.with(|r| r.borrow_mut().push(name));
    if std::env::var("LOCKER_CRASH_AT").is_ok_and(|at| at == name) {
        // Held here until the test kills the process: what the bus task
        // does meanwhile (a queued pulse going out) happens, what the
        // engine would do next does not.
        if std::env::var_os("LOCKER_CRASH_HOLD").is_some() {
            eprintln!("crash point {name}: held");
            std::thread::sleep(std::time::Duration::from_secs(60));
        }
        eprintln!("crash point {name}: aborting");
        std::process::abort();
    }
}

/// The point `<purpose>.<step>` of a door opened for `kind`.
#[cfg(test)]
pub(crate) fn door(kind: IntentKind, step: &'static str) {
    let name = format!("{}.{step}", kind.as_str());
    match POINTS.iter().find(|p| **p == name) {
        Some(p) => point(p),
        None => panic!("crash point {name} is missing from crash::POINTS"),
    }
}

#[cfg(test)]
thread_local! {
    /// Points this thread reached (the engine runs on its caller's thread).
    static REACHED: std::cell::RefCell<Vec<&'static str>> =
        const { std::cell::RefCell::new(Vec::new()) };
}

/// The points this thread reached since the last call.
#[cfg(test)]
pub(crate) fn take_reached() -> Vec<&'static str> {
    REACHED.with(|r| std::mem::take(&mut *r.borrow_mut()))
}

#[cfg(test)]
#[path = "crash_tests/mod.rs"]
mod tests;
