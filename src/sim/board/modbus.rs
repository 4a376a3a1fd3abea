//! The Modbus functions a board answers, and the exceptions for the rest.

use std::time::{Duration, Instant};

use crate::bus::rtu::pack_bits;
use crate::hardware::Unlock;

use super::{Physics, SimBoard};

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
