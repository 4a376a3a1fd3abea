//! The door tracker: turns sensor readings and unlock commands into door
//! events. Pure logic on injected `Instant`s; no I/O.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use super::{DoorEventKind, DoorState, LockId};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TrackerConfig {
    /// Commanded but still closed after this: pulse again once, then jammed.
    pub jam_timeout: Duration,
    /// Open longer than this: left open.
    pub left_open_after: Duration,
}

impl Default for TrackerConfig {
    fn default() -> Self {
        Self {
            jam_timeout: Duration::from_secs(2),
            left_open_after: Duration::from_secs(120),
        }
    }
}

/// What the tracker asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TrackerOutput {
    Event(LockId, DoorEventKind),
    /// Pulse this lock again (first jam timeout).
    RetryPulse(LockId),
}

#[derive(Clone, Copy, Debug)]
struct Command {
    at: Instant,
    retried: bool,
}

#[derive(Clone, Debug, Default)]
struct Door {
    /// The reading as last seen, `Unknown` included.
    reading: Option<DoorState>,
    /// The last reading that was not `Unknown`.
    known: Option<DoorState>,
    command: Option<Command>,
    open_since: Option<Instant>,
    left_open_told: bool,
}

#[derive(Clone, Debug, Default)]
pub struct DoorTracker {
    cfg: TrackerConfig,
    doors: HashMap<LockId, Door>,
}

impl DoorTracker {
    pub fn new(cfg: TrackerConfig) -> Self {
        Self {
            cfg,
            doors: HashMap::new(),
        }
    }

    /// An unlock pulse went out (or was attempted) for `lock`.
    pub fn commanded(&mut self, lock: LockId, now: Instant) {
        let door = self.doors.entry(lock).or_default();
        door.command = Some(Command {
            at: now,
            retried: false,
        });
    }

    /// Whether an unlock for `lock` is still waiting for the door to open.
    pub fn in_flight(&self, lock: LockId) -> bool {
        self.doors.get(&lock).is_some_and(|d| d.command.is_some())
    }

    /// A fresh sensor reading.
    pub fn observe(
        &mut self,
        lock: LockId,
        reading: DoorState,
        now: Instant,
    ) -> Vec<TrackerOutput> {
        let mut out = Vec::new();
        let door = self.doors.entry(lock).or_default();
        let before = door.reading.replace(reading);
        if reading == DoorState::Unknown {
            if before.is_some_and(|b| b != DoorState::Unknown) {
                out.push(TrackerOutput::Event(lock, DoorEventKind::SensorUnknown));
            }
            return out;
        }
        let known = door.known.replace(reading);
        match (known, reading) {
            (None, DoorState::Open) if door.command.is_none() => {
                // First sight: an open door is a state, not an event.
                door.open_since = Some(now);
            }
            (Some(DoorState::Open), DoorState::Open) => {}
            (_, DoorState::Open) => {
                door.open_since = Some(now);
                door.left_open_told = false;
                let kind = if door.command.take().is_some() {
                    DoorEventKind::Opened
                } else {
                    DoorEventKind::ForcedOpen
                };
                out.push(TrackerOutput::Event(lock, kind));
            }
            (Some(DoorState::Open), DoorState::Closed) => {
                door.open_since = None;
                door.left_open_told = false;
                out.push(TrackerOutput::Event(lock, DoorEventKind::Closed));
            }
            _ => {}
        }
        out
    }

    /// Time passed: jam and left-open checks.
    pub fn tick(&mut self, now: Instant) -> Vec<TrackerOutput> {
        let mut out = Vec::new();
        let mut locks: Vec<LockId> = self.doors.keys().copied().collect();
        locks.sort();
        for lock in locks {
            let Some(door) = self.doors.get_mut(&lock) else {
                continue;
            };
            if let Some(cmd) = door.command
                && now.saturating_duration_since(cmd.at) >= self.cfg.jam_timeout
            {
                match door.reading {
                    Some(DoorState::Closed) if !cmd.retried => {
                        door.command = Some(Command {
                            at: now,
                            retried: true,
                        });
                        out.push(TrackerOutput::RetryPulse(lock));
                    }
                    Some(DoorState::Closed) => {
                        door.command = None;
                        out.push(TrackerOutput::Event(lock, DoorEventKind::Jammed));
                    }
                    // Already open when pulsed (or a cut sensor wire): there
                    // is no opening to wait for.
                    Some(DoorState::Open) => door.command = None,
                    // Board offline: cannot judge; wait for a reading.
                    _ => {}
                }
            }
            if let Some(since) = door.open_since
                && door.reading == Some(DoorState::Open)
                && !door.left_open_told
                && now.saturating_duration_since(since) >= self.cfg.left_open_after
            {
                door.left_open_told = true;
                out.push(TrackerOutput::Event(lock, DoorEventKind::LeftOpen));
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use DoorEventKind::*;
    use DoorState::{Closed, Open, Unknown};

    const L: LockId = LockId {
        board: 1,
        channel: 4,
    };

    fn tracker() -> (DoorTracker, Instant) {
        let cfg = TrackerConfig {
            jam_timeout: Duration::from_secs(2),
            left_open_after: Duration::from_secs(60),
        };
        (DoorTracker::new(cfg), Instant::now())
    }

    fn secs(t0: Instant, s: u64) -> Instant {
        t0 + Duration::from_secs(s)
    }

    fn ev(kind: DoorEventKind) -> Vec<TrackerOutput> {
        vec![TrackerOutput::Event(L, kind)]
    }

    #[test]
    fn pulsed_door_that_opens_and_closes_says_opened_then_closed() {
        let (mut t, t0) = tracker();
        assert!(t.observe(L, Closed, t0).is_empty());
        t.commanded(L, t0);
        assert!(t.in_flight(L));
        assert_eq!(t.observe(L, Open, secs(t0, 1)), ev(Opened));
        assert!(!t.in_flight(L));
        assert!(t.observe(L, Open, secs(t0, 2)).is_empty());
        assert_eq!(t.observe(L, Closed, secs(t0, 3)), ev(DoorEventKind::Closed));
        assert!(t.tick(secs(t0, 10)).is_empty());
    }

    #[test]
    fn door_that_stays_shut_is_pulsed_again_once_then_jammed() {
        let (mut t, t0) = tracker();
        t.observe(L, Closed, t0);
        t.commanded(L, t0);
        assert!(t.tick(secs(t0, 1)).is_empty());
        assert_eq!(t.tick(secs(t0, 2)), vec![TrackerOutput::RetryPulse(L)]);
        t.observe(L, Closed, secs(t0, 3));
        assert!(t.tick(secs(t0, 3)).is_empty());
        assert_eq!(t.tick(secs(t0, 4)), ev(Jammed));
        assert!(t.tick(secs(t0, 9)).is_empty());
    }

    #[test]
    fn door_that_opens_after_the_retry_is_not_jammed() {
        let (mut t, t0) = tracker();
        t.observe(L, Closed, t0);
        t.commanded(L, t0);
        assert_eq!(t.tick(secs(t0, 2)), vec![TrackerOutput::RetryPulse(L)]);
        assert_eq!(t.observe(L, Open, secs(t0, 3)), ev(Opened));
        assert!(t.tick(secs(t0, 5)).is_empty());
    }

    #[test]
    fn door_opened_without_a_command_is_forced_open() {
        let (mut t, t0) = tracker();
        t.observe(L, Closed, t0);
        assert_eq!(t.observe(L, Open, secs(t0, 1)), ev(ForcedOpen));
        assert_eq!(t.observe(L, Closed, secs(t0, 2)), ev(DoorEventKind::Closed));
    }

    #[test]
    fn door_left_open_is_told_once() {
        let (mut t, t0) = tracker();
        t.observe(L, Closed, t0);
        t.commanded(L, t0);
        t.observe(L, Open, t0);
        assert!(t.tick(secs(t0, 59)).is_empty());
        assert_eq!(t.tick(secs(t0, 60)), ev(LeftOpen));
        assert!(t.tick(secs(t0, 200)).is_empty());
    }

    #[test]
    fn offline_board_makes_the_sensor_unknown_and_back_without_false_events() {
        let (mut t, t0) = tracker();
        t.observe(L, Open, t0);
        assert_eq!(t.observe(L, Unknown, secs(t0, 1)), ev(SensorUnknown));
        assert!(t.observe(L, Unknown, secs(t0, 2)).is_empty());
        // Back online and still open: nothing happened.
        assert!(t.observe(L, Open, secs(t0, 3)).is_empty());
        // Went offline open, came back closed: it closed meanwhile.
        t.observe(L, Unknown, secs(t0, 4));
        assert_eq!(t.observe(L, Closed, secs(t0, 5)), ev(DoorEventKind::Closed));
    }

    #[test]
    fn jam_is_not_judged_while_the_sensor_is_unknown() {
        let (mut t, t0) = tracker();
        t.observe(L, Closed, t0);
        t.commanded(L, t0);
        t.observe(L, Unknown, secs(t0, 1));
        assert!(t.tick(secs(t0, 30)).is_empty());
        t.observe(L, Open, secs(t0, 31));
        assert!(!t.in_flight(L));
    }

    #[test]
    fn pulsing_an_open_door_expects_nothing() {
        let (mut t, t0) = tracker();
        t.observe(L, Open, t0);
        t.commanded(L, t0);
        assert!(t.tick(secs(t0, 5)).is_empty());
        assert!(!t.in_flight(L));
    }

    #[test]
    fn door_open_at_first_sight_is_no_event() {
        let (mut t, t0) = tracker();
        assert!(t.observe(L, Open, t0).is_empty());
        assert_eq!(t.observe(L, Closed, secs(t0, 1)), ev(DoorEventKind::Closed));
    }
}
