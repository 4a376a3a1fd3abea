//! The faults a test can switch on, and how a board loses its framing
//! under the `resync` fault.

use std::time::Duration;

use super::SimBoard;

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

impl SimBoard {
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
}
