//! One simulated lock board: its registers per profile, door physics and the
//! faults a test can switch on.

use std::time::{Duration, Instant};

use crate::bus::rtu::pack_bits;
use crate::hardware::{BoardProfile, Unlock};

/// Firmware version the simulated boards report (1.2).
pub const SIM_FIRMWARE: u16 = 0x0102;
/// Supply voltage the simulated boards report, in 10 mV (24.12 V).
pub const SIM_VOLTAGE_10MV: u16 = 2412;

#[derive(Clone, Debug, Default)]
pub(crate) struct SimDoor {
    pub open: bool,
    pub jammed: bool,
    /// The sensor reads this (true = open) whatever the door does.
    pub stuck: Option<bool>,
    pub item: bool,
    pub opens_at: Option<Instant>,
    pub closes_at: Option<Instant>,
    /// Output energised until then (board-timed pulse, timed relay).
    pub output_until: Option<Instant>,
    /// Output switched on by the master and not yet off (untimed boards).
    pub output_on: bool,
    pub pulses: u32,
    /// Opened by a pulse (not pried): its closing ends a deposit or pickup.
    pub opened_by_pulse: bool,
}

impl SimDoor {
    /// The door shuts. With `items_follow`, a door that a pulse opened
    /// closes on the opposite item state: a courier left a parcel in an
    /// empty compartment, or a recipient took it out of a full one.
    pub fn shut(&mut self, items_follow: bool) {
        if self.open && self.opened_by_pulse && items_follow {
            self.item = !self.item;
        }
        self.open = false;
        self.opened_by_pulse = false;
        self.opens_at = None;
        self.closes_at = None;
    }
}

#[derive(Clone, Debug, Default)]
pub(crate) struct Faults {
    pub drop_replies: u32,
    pub late_replies: u32,
    pub late_by: Duration,
    pub bad_crc: u32,
    pub offline: bool,
    /// Like widely used slave stacks: after hearing a request for another
    /// id the board misframes, ignoring requests to itself, until the line
    /// has been silent this long.
    pub resync: Option<Duration>,
}

#[derive(Clone, Debug)]
pub(crate) struct SimBoard {
    pub address: u8,
    pub profile: BoardProfile,
    pub doors: Vec<SimDoor>,
    pub pulse_ms: u16,
    pub faults: Faults,
    pub frames_seen: u64,
    pub replies_sent: u64,
    /// Lost its framing (the `resync` fault) and not yet resynchronised.
    pub misframed: bool,
    /// Requests to this board it ignored while misframed.
    pub misframed_requests: u64,
}

/// Timing of the simulated mechanics.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Physics {
    pub open_delay: Duration,
    pub auto_close: Option<Duration>,
    pub items_follow: bool,
}

const ILLEGAL_FUNCTION: u8 = 0x01;
const ILLEGAL_ADDRESS: u8 = 0x02;
const ILLEGAL_VALUE: u8 = 0x03;

fn exception(function: u8, code: u8) -> Vec<u8> {
    vec![function | 0x80, code]
}

fn be(pdu: &[u8], at: usize) -> u16 {
    u16::from_be_bytes([pdu[at], pdu[at + 1]])
}

impl SimBoard {
    pub fn new(address: u8, profile: BoardProfile) -> Self {
        let pulse_ms = profile.unlock.pulse_ms().min(u32::from(u16::MAX)) as u16;
        Self {
            address,
            doors: vec![SimDoor::default(); usize::from(profile.locks)],
            profile,
            pulse_ms,
            faults: Faults::default(),
            frames_seen: 0,
            replies_sent: 0,
            misframed: false,
            misframed_requests: 0,
        }
    }

    /// The board hears a well-formed frame to slave `id` that followed
    /// `silence` of quiet line; whether it takes the frame in (a frame to
    /// another id is always "taken in": it only matters for the framing).
    pub fn hear(&mut self, id: u8, silence: Duration) -> bool {
        let Some(quiet) = self.faults.resync else {
            self.misframed = false;
            return true;
        };
        if silence >= quiet {
            self.misframed = false;
        }
        if id == self.address {
            if self.misframed {
                self.misframed_requests += 1;
                return false;
            }
        } else if id != 0 {
            // Such stacks hear the request, then the other board's reply
            // as the start of a frame of unknown length: lost until silence.
            self.misframed = true;
        }
        true
    }

    /// Move the mechanics on to `now`.
    pub fn tick(&mut self, now: Instant, physics: Physics) {
        for door in &mut self.doors {
            if door.opens_at.is_some_and(|t| now >= t) {
                door.opens_at = None;
                if !door.open {
                    door.open = true;
                    door.opened_by_pulse = true;
                    door.closes_at = physics.auto_close.map(|d| now + d);
                }
            }
            if door.closes_at.is_some_and(|t| now >= t) {
                door.shut(physics.items_follow);
            }
            if door.output_until.is_some_and(|t| now >= t) {
                door.output_until = None;
            }
        }
    }

    /// The lock released: the door springs open shortly unless jammed.
    fn release(&mut self, channel: usize, now: Instant, physics: Physics) {
        let door = &mut self.doors[channel];
        door.pulses += 1;
        if !door.jammed && !door.open && door.opens_at.is_none() {
            door.opens_at = Some(now + physics.open_delay);
        }
    }

    fn door_level(&self, channel: usize) -> bool {
        let door = &self.doors[channel];
        let open = door.stuck.unwrap_or(door.open);
        open == self.profile.doors.open_level
    }

    /// The level of discrete input `address`; `None` where the board has none.
    fn input(&self, address: u16) -> Option<bool> {
        let locks = u32::from(self.profile.locks);
        let offset = |base: u16| {
            let a = u32::from(address);
            let b = u32::from(base);
            (a >= b && a < b + locks).then(|| (a - b) as usize)
        };
        if let Some(ch) = offset(self.profile.doors.input_base) {
            return Some(self.door_level(ch));
        }
        if let Some(items) = &self.profile.items
            && let Some(ch) = offset(items.input_base)
        {
            return Some(self.doors[ch].item == items.present_level);
        }
        None
    }

    pub fn output(&self, channel: usize) -> bool {
        let d = &self.doors[channel];
        d.output_on || d.output_until.is_some()
    }

    fn coil_channel(&self, address: u16, base: u16) -> Option<usize> {
        let ch = address.checked_sub(base)?;
        (ch < self.profile.locks).then_some(usize::from(ch))
    }

    /// The coil FC01 reads at `address`; `None` where the board has none.
    /// A Waveshare's flash-on addresses are commands, not coils: its relays
    /// read at 0x0000 + channel.
    fn coil(&self, address: u16) -> Option<bool> {
        let base = match self.profile.unlock {
            Unlock::TimedPulse { .. } => 0,
            _ => self.profile.unlock.coil_base(),
        };
        self.coil_channel(address, base).map(|ch| self.output(ch))
    }

    /// Whether FC05/FC0F may write `address`.
    fn coil_writable(&self, address: u16) -> bool {
        let unlock = &self.profile.unlock;
        self.coil_channel(address, unlock.coil_base()).is_some()
            || (matches!(unlock, Unlock::TimedPulse { .. })
                && self.coil_channel(address, 0).is_some())
    }

    /// Function codes the board implements: a real board answers the others
    /// with exception 01, whatever their data.
    fn implements(&self, function: u8) -> bool {
        match function {
            0x01 | 0x02 | 0x05 | 0x0F => true,
            0x03 | 0x06 => self.profile.settings.is_some(),
            0x04 => self.profile.info.is_some(),
            _ => false,
        }
    }

    /// Answer one request PDU (function code and data); the reply PDU.
    /// Like a real board: exception 01 for a function the profile lacks,
    /// 03 for a malformed count, 02 for any address outside the map.
    pub fn answer(&mut self, pdu: &[u8], now: Instant, physics: Physics) -> Vec<u8> {
        self.tick(now, physics);
        let function = pdu[0];
        if !self.implements(function) {
            return exception(function, ILLEGAL_FUNCTION);
        }
        match function {
            0x01..=0x04 if pdu.len() != 5 => exception(function, ILLEGAL_VALUE),
            0x01 | 0x02 => {
                let (start, count) = (be(pdu, 1), be(pdu, 3));
                if count == 0 || count > 2000 {
                    return exception(function, ILLEGAL_VALUE);
                }
                if u32::from(start) + u32::from(count) > 0x1_0000 {
                    return exception(function, ILLEGAL_ADDRESS);
                }
                let bits: Option<Vec<bool>> = (start..=start + (count - 1))
                    .map(|a| {
                        if function == 0x02 {
                            self.input(a)
                        } else {
                            self.coil(a)
                        }
                    })
                    .collect();
                let Some(bits) = bits else {
                    return exception(function, ILLEGAL_ADDRESS);
                };
                let data = pack_bits(&bits);
                let mut out = vec![function, data.len() as u8];
                out.extend(data);
                out
            }
            0x03 | 0x04 => {
                let (start, count) = (be(pdu, 1), be(pdu, 3));
                if count == 0 || count > 125 {
                    return exception(function, ILLEGAL_VALUE);
                }
                if u32::from(start) + u32::from(count) > 0x1_0000 {
                    return exception(function, ILLEGAL_ADDRESS);
                }
                let mut out = vec![function, (count * 2) as u8];
                for a in start..=start + (count - 1) {
                    let Some(v) = self.register(function, a) else {
                        return exception(function, ILLEGAL_ADDRESS);
                    };
                    out.extend(v.to_be_bytes());
                }
                out
            }
            0x05 if pdu.len() == 5 => {
                let (address, value) = (be(pdu, 1), be(pdu, 3));
                match self.write_coil(address, value, now, physics) {
                    Ok(()) => pdu.to_vec(),
                    Err(code) => exception(function, code),
                }
            }
            0x06 if pdu.len() == 5 => {
                let (address, value) = (be(pdu, 1), be(pdu, 3));
                let settings = self.profile.settings.clone().unwrap_or_default();
                if settings.pulse_ms == Some(address) {
                    if value == 0 {
                        return exception(function, ILLEGAL_VALUE);
                    }
                    self.pulse_ms = value;
                    pdu.to_vec()
                } else if settings.address == Some(address) {
                    // Re-addressing is not simulated; the board keeps its id.
                    exception(function, ILLEGAL_VALUE)
                } else {
                    exception(function, ILLEGAL_ADDRESS)
                }
            }
            0x0F if pdu.len() >= 6 => {
                let (address, count) = (be(pdu, 1), be(pdu, 3));
                let data = &pdu[6..];
                if count == 0
                    || count > 1968
                    || data.len() != usize::from(count).div_ceil(8)
                    || usize::from(pdu[5]) != data.len()
                {
                    return exception(function, ILLEGAL_VALUE);
                }
                // The whole range is checked before any output moves: a
                // board does not half-execute a write it rejects.
                if u32::from(address) + u32::from(count) > 0x1_0000
                    || !(address..=address + (count - 1)).all(|a| self.coil_writable(a))
                {
                    return exception(function, ILLEGAL_ADDRESS);
                }
                for i in 0..count {
                    let on = data[usize::from(i / 8)] & (1 << (i % 8)) != 0;
                    let value = if on { 0xFF00 } else { 0x0000 };
                    if let Err(code) = self.write_coil(address + i, value, now, physics) {
                        return exception(function, code);
                    }
                }
                pdu[..5].to_vec()
            }
            _ => exception(function, ILLEGAL_VALUE),
        }
    }

    fn register(&self, function: u8, address: u16) -> Option<u16> {
        if function == 0x04 {
            let info = self.profile.info.clone()?;
            if info.firmware == Some(address) {
                Some(SIM_FIRMWARE)
            } else if info.lock_count == Some(address) {
                Some(self.profile.locks)
            } else if info.voltage_10mv == Some(address) {
                Some(SIM_VOLTAGE_10MV)
            } else {
                None
            }
        } else {
            let settings = self.profile.settings.clone()?;
            if settings.pulse_ms == Some(address) {
                Some(self.pulse_ms)
            } else if settings.address == Some(address) {
                Some(u16::from(self.address))
            } else {
                None
            }
        }
    }

    fn write_coil(
        &mut self,
        address: u16,
        value: u16,
        now: Instant,
        physics: Physics,
    ) -> Result<(), u8> {
        match self.profile.unlock.clone() {
            Unlock::BoardPulse { coil_base, .. } => {
                let ch = self
                    .coil_channel(address, coil_base)
                    .ok_or(ILLEGAL_ADDRESS)?;
                match value {
                    0xFF00 => {
                        let ms = u64::from(self.pulse_ms);
                        self.doors[ch].output_until = Some(now + Duration::from_millis(ms));
                        self.release(ch, now, physics);
                    }
                    0x0000 => self.doors[ch].output_until = None,
                    _ => return Err(ILLEGAL_VALUE),
                }
            }
            Unlock::TimedPulse {
                coil_base, unit_ms, ..
            } => {
                if let Some(ch) = self.coil_channel(address, coil_base) {
                    // Flash on: the value is the time in board units.
                    if value == 0 || value > 0xFF {
                        return Err(ILLEGAL_VALUE);
                    }
                    let ms = u64::from(value) * u64::from(unit_ms);
                    self.doors[ch].output_until = Some(now + Duration::from_millis(ms));
                    self.release(ch, now, physics);
                } else {
                    // Plain relay coils at 0x0000 + channel.
                    let ch = self.coil_channel(address, 0).ok_or(ILLEGAL_ADDRESS)?;
                    self.switch_output(ch, value, now, physics)?;
                }
            }
            Unlock::OnOff { coil_base, .. } => {
                let ch = self
                    .coil_channel(address, coil_base)
                    .ok_or(ILLEGAL_ADDRESS)?;
                self.switch_output(ch, value, now, physics)?;
            }
        }
        Ok(())
    }

    fn switch_output(
        &mut self,
        ch: usize,
        value: u16,
        now: Instant,
        physics: Physics,
    ) -> Result<(), u8> {
        match value {
            0xFF00 => {
                if !self.doors[ch].output_on {
                    self.doors[ch].output_on = true;
                    self.release(ch, now, physics);
                }
            }
            0x0000 => {
                self.doors[ch].output_on = false;
                self.doors[ch].output_until = None;
            }
            _ => return Err(ILLEGAL_VALUE),
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hardware::{BoardProfile, LB48_TOML, UNTIMED8_TOML, WAVESHARE8_TOML};

    const PHYSICS: Physics = Physics {
        open_delay: Duration::from_millis(50),
        auto_close: None,
        items_follow: false,
    };

    #[test]
    fn with_items_following_doors_a_deposit_fills_and_a_pickup_empties() {
        let physics = Physics {
            auto_close: Some(Duration::from_millis(500)),
            items_follow: true,
            ..PHYSICS
        };
        let mut b = SimBoard::new(1, BoardProfile::parse(LB48_TOML).unwrap());
        let t0 = Instant::now();
        b.answer(&[0x05, 0, 2, 0xFF, 0], t0, physics);
        b.tick(t0 + Duration::from_millis(100), physics);
        assert!(b.doors[2].open && !b.doors[2].item);
        b.tick(t0 + Duration::from_millis(700), physics);
        assert!(!b.doors[2].open && b.doors[2].item, "deposit");
        let t1 = t0 + Duration::from_secs(1);
        b.answer(&[0x05, 0, 2, 0xFF, 0], t1, physics);
        b.tick(t1 + Duration::from_millis(100), physics);
        b.doors[2].shut(true);
        assert!(!b.doors[2].item, "pickup");
        // A pried door does not move items.
        b.doors[3].open = true;
        b.doors[3].shut(true);
        assert!(!b.doors[3].item);
    }

    #[test]
    fn lb48_pulse_opens_the_door_after_a_moment() {
        let mut b = SimBoard::new(1, BoardProfile::parse(LB48_TOML).unwrap());
        let t0 = Instant::now();
        assert_eq!(
            b.answer(&[0x05, 0, 3, 0xFF, 0], t0, PHYSICS),
            vec![0x05, 0, 3, 0xFF, 0]
        );
        assert_eq!(
            b.answer(&[0x02, 0, 0, 0, 48], t0, PHYSICS),
            vec![2, 6, 0, 0, 0, 0, 0, 0]
        );
        let later = t0 + Duration::from_millis(60);
        assert_eq!(
            b.answer(&[0x02, 0, 0, 0, 48], later, PHYSICS),
            vec![2, 6, 8, 0, 0, 0, 0, 0]
        );
        assert_eq!(b.doors[3].pulses, 1);
        // Coil reads 1 during the pulse and 0 after it.
        assert_eq!(b.answer(&[0x01, 0, 3, 0, 1], later, PHYSICS), vec![1, 1, 1]);
        let after = t0 + Duration::from_millis(600);
        assert_eq!(b.answer(&[0x01, 0, 3, 0, 1], after, PHYSICS), vec![1, 1, 0]);
    }

    #[test]
    fn jammed_door_stays_shut_but_counts_the_pulse() {
        let mut b = SimBoard::new(1, BoardProfile::parse(LB48_TOML).unwrap());
        b.doors[0].jammed = true;
        let t0 = Instant::now();
        b.answer(&[0x05, 0, 0, 0xFF, 0], t0, PHYSICS);
        let later = t0 + Duration::from_secs(1);
        assert_eq!(b.answer(&[0x02, 0, 0, 0, 8], later, PHYSICS), vec![2, 1, 0]);
        assert_eq!(b.doors[0].pulses, 1);
    }

    #[test]
    fn info_registers_and_bad_requests() {
        let mut b = SimBoard::new(1, BoardProfile::parse(LB48_TOML).unwrap());
        let now = Instant::now();
        assert_eq!(
            b.answer(&[0x04, 0, 0, 0, 3], now, PHYSICS),
            vec![4, 6, 0x01, 0x02, 0, 48, 0x09, 0x6C]
        );
        assert_eq!(b.answer(&[0x04, 0, 9, 0, 1], now, PHYSICS), vec![0x84, 2]);
        assert_eq!(b.answer(&[0x02, 0, 0, 0, 0], now, PHYSICS), vec![0x82, 3]);
        assert_eq!(
            b.answer(&[0x05, 0, 99, 0xFF, 0], now, PHYSICS),
            vec![0x85, 2]
        );
        assert_eq!(b.answer(&[0x2B, 0x0E], now, PHYSICS), vec![0xAB, 1]);
        assert_eq!(b.answer(&[0x02, 0], now, PHYSICS), vec![0x82, 3]);
    }

    #[test]
    fn waveshare_timed_pulse_and_inverted_door_inputs() {
        let mut b = SimBoard::new(1, BoardProfile::parse(WAVESHARE8_TOML).unwrap());
        let t0 = Instant::now();
        // Door shut reads 1 on the Waveshare input (switch closed).
        assert_eq!(b.answer(&[0x02, 0, 0, 0, 8], t0, PHYSICS), vec![2, 1, 0xFF]);
        assert_eq!(
            b.answer(&[0x05, 2, 1, 0, 5], t0, PHYSICS),
            vec![5, 2, 1, 0, 5]
        );
        assert!(b.output(1));
        let later = t0 + Duration::from_millis(600);
        assert_eq!(
            b.answer(&[0x02, 0, 0, 0, 8], later, PHYSICS),
            vec![2, 1, 0xFD]
        );
        assert!(!b.output(1));
    }

    #[test]
    fn resync_fault_misframes_after_another_id_until_the_line_is_quiet() {
        const QUIET: Duration = Duration::from_millis(300);
        let short = Duration::from_millis(20);
        let mut b = lb48();
        // Without the fault other ids never matter.
        assert!(b.hear(2, short) && b.hear(1, short));
        b.faults.resync = Some(QUIET);
        assert!(b.hear(1, short), "nothing heard for another id yet");
        assert!(b.hear(1, short));
        // Broadcasts are for everyone: no lost framing.
        b.hear(0, short);
        assert!(b.hear(1, short));
        b.hear(2, short);
        assert!(!b.hear(1, short), "misframed right after id 2");
        // Every frame on a busy line keeps it lost, its own included.
        assert!(!b.hear(1, QUIET - Duration::from_millis(1)));
        b.hear(3, QUIET);
        assert!(!b.hear(1, short), "the quiet resynced it, then id 3 came");
        assert!(b.hear(1, QUIET), "silence long enough");
        assert!(b.hear(1, short), "and it stays in sync");
        assert_eq!(b.misframed_requests, 3);
        // Healing the fault resynchronises at once.
        b.hear(2, short);
        b.faults.resync = None;
        assert!(b.hear(1, short));
    }

    fn lb48() -> SimBoard {
        SimBoard::new(1, BoardProfile::parse(LB48_TOML).unwrap())
    }

    fn read(b: &mut SimBoard, function: u8, start: u16, count: u16) -> Vec<u8> {
        let [s0, s1] = start.to_be_bytes();
        let [c0, c1] = count.to_be_bytes();
        b.answer(&[function, s0, s1, c0, c1], Instant::now(), PHYSICS)
    }

    const BEYOND_THE_MAP: u8 = 2;

    #[test]
    fn coil_reads_stop_at_the_last_lock() {
        let mut b = lb48();
        assert_eq!(read(&mut b, 0x01, 0, 48)[..2], [0x01, 6]);
        assert_eq!(read(&mut b, 0x01, 47, 1), vec![0x01, 1, 0]);
        assert_eq!(read(&mut b, 0x01, 40, 9), vec![0x81, BEYOND_THE_MAP]);
        assert_eq!(read(&mut b, 0x01, 48, 1), vec![0x81, BEYOND_THE_MAP]);
        assert_eq!(read(&mut b, 0x01, 0xFFFF, 1), vec![0x81, BEYOND_THE_MAP]);
        // Writes too, and a rejected FC0F moves no output at all.
        let now = Instant::now();
        assert_eq!(
            b.answer(&[0x05, 0, 48, 0xFF, 0], now, PHYSICS),
            vec![0x85, BEYOND_THE_MAP]
        );
        assert_eq!(
            b.answer(&[0x0F, 0, 46, 0, 3, 1, 0b111], now, PHYSICS),
            vec![0x8F, BEYOND_THE_MAP]
        );
        assert!(!b.output(46) && !b.output(47));
        assert_eq!(b.doors[46].pulses, 0);
    }

    #[test]
    fn waveshare_relays_read_at_their_channel_and_flash_addresses_are_write_only() {
        let mut b = SimBoard::new(1, BoardProfile::parse(WAVESHARE8_TOML).unwrap());
        let now = Instant::now();
        b.answer(&[0x05, 2, 3, 0, 5], now, PHYSICS);
        assert_eq!(read(&mut b, 0x01, 0, 8), vec![0x01, 1, 0b1000]);
        assert_eq!(read(&mut b, 0x01, 0, 9), vec![0x81, BEYOND_THE_MAP]);
        assert_eq!(read(&mut b, 0x01, 0x0200, 1), vec![0x81, BEYOND_THE_MAP]);
        assert_eq!(
            b.answer(&[0x05, 2, 8, 0, 5], now, PHYSICS),
            vec![0x85, BEYOND_THE_MAP]
        );
    }

    #[test]
    fn discrete_inputs_cover_doors_and_items_and_nothing_between() {
        let mut b = lb48();
        b.doors[47].open = true;
        b.doors[0].item = true;
        assert_eq!(read(&mut b, 0x02, 40, 8), vec![0x02, 1, 0x80]);
        // Inputs 49-56 of a 48-input board (0-based 48..56).
        assert_eq!(read(&mut b, 0x02, 48, 8), vec![0x82, BEYOND_THE_MAP]);
        assert_eq!(read(&mut b, 0x02, 40, 9), vec![0x82, BEYOND_THE_MAP]);
        // Item inputs at 0x0100.
        assert_eq!(read(&mut b, 0x02, 0x100, 48)[..3], [0x02, 6, 1]);
        assert_eq!(read(&mut b, 0x02, 0x0FF, 2), vec![0x82, BEYOND_THE_MAP]);
        assert_eq!(read(&mut b, 0x02, 0x12F, 2), vec![0x82, BEYOND_THE_MAP]);
        // One read across the gap between the two ranges.
        assert_eq!(read(&mut b, 0x02, 0, 0x130), vec![0x82, BEYOND_THE_MAP]);
        // A board without item sensors has nothing at 0x0100.
        let mut relay = SimBoard::new(1, BoardProfile::parse(UNTIMED8_TOML).unwrap());
        assert_eq!(read(&mut relay, 0x02, 0, 8), vec![0x02, 1, 0]);
        assert_eq!(read(&mut relay, 0x02, 0x100, 8), vec![0x82, BEYOND_THE_MAP]);
    }

    #[test]
    fn input_registers_are_the_info_block_only() {
        let mut b = lb48();
        assert_eq!(read(&mut b, 0x04, 2, 1), vec![0x04, 2, 0x09, 0x6C]);
        assert_eq!(read(&mut b, 0x04, 0, 4), vec![0x84, BEYOND_THE_MAP]);
        assert_eq!(read(&mut b, 0x04, 3, 1), vec![0x84, BEYOND_THE_MAP]);
        assert_eq!(read(&mut b, 0x04, 0xFFFF, 2), vec![0x84, BEYOND_THE_MAP]);
        // Boards without an info block do not implement FC04 at all.
        let mut w = SimBoard::new(1, BoardProfile::parse(WAVESHARE8_TOML).unwrap());
        assert_eq!(read(&mut w, 0x04, 0, 1), vec![0x84, 1]);
    }

    #[test]
    fn holding_registers_are_the_settings_only() {
        let mut b = lb48();
        assert_eq!(read(&mut b, 0x03, 0, 2), vec![0x03, 4, 0x01, 0xF4, 0, 1]);
        assert_eq!(read(&mut b, 0x03, 0, 3), vec![0x83, BEYOND_THE_MAP]);
        assert_eq!(read(&mut b, 0x03, 2, 1), vec![0x83, BEYOND_THE_MAP]);
        let now = Instant::now();
        assert_eq!(
            b.answer(&[0x06, 0, 2, 0, 1], now, PHYSICS),
            vec![0x86, BEYOND_THE_MAP]
        );
        let mut relay = SimBoard::new(1, BoardProfile::parse(UNTIMED8_TOML).unwrap());
        assert_eq!(read(&mut relay, 0x03, 0, 1), vec![0x83, 1]);
        assert_eq!(
            relay.answer(&[0x06, 0, 0, 1, 0], now, PHYSICS),
            vec![0x86, 1]
        );
    }

    #[test]
    fn functions_no_profile_has_are_illegal_whatever_their_data() {
        let mut b = lb48();
        let now = Instant::now();
        for f in [0x07, 0x08, 0x10, 0x11, 0x16, 0x17, 0x2B] {
            assert_eq!(b.answer(&[f, 0, 0, 0, 1], now, PHYSICS), vec![f | 0x80, 1]);
        }
    }

    proptest::proptest! {
        #[test]
        fn any_request_gets_an_answer_and_never_a_panic(
            pdu in proptest::collection::vec(proptest::prelude::any::<u8>(), 1..300),
            waveshare in proptest::prelude::any::<bool>(),
        ) {
            let text = if waveshare { WAVESHARE8_TOML } else { LB48_TOML };
            let mut b = SimBoard::new(1, BoardProfile::parse(text).unwrap());
            let reply = b.answer(&pdu, Instant::now(), PHYSICS);
            proptest::prop_assert!(!reply.is_empty());
            proptest::prop_assert_eq!(reply[0] & 0x7F, pdu[0] & 0x7F);
        }
    }
}
