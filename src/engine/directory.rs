//! The property's directory at this kiosk (docs/FLEET.md). A change to a
//! recipient or a staff account made here is stamped, and queued for the
//! broker, in its own transaction; a change made at another kiosk is taken
//! when its stamp is later than the one here, and ignored otherwise. Codes
//! typed here that belong to another kiosk are asked of the site by
//! fingerprint (`elsewhere.rs`).

use std::cell::RefCell;

use super::tx::TxResult;
use super::{Engine, EngineError, EngineResult, Event};
use crate::domain::directory::{Change, Entry, Stamp, recipient_key, user_key};
use crate::domain::people::validate_user_name;
use crate::domain::{ParcelId, ParcelState, Recipient, RecipientId, User};
use crate::store::{StoreError, T, Tx};

/// Cues for subscribers that no command's reply carries, at most this many
/// waiting (an engine with no thread to drain them keeps no more).
const ANNOUNCED_MAX: usize = 64;

/// What the engine keeps in memory for the property.
#[derive(Default)]
pub(super) struct SiteMemory {
    /// The latest stamp made or seen here.
    last: Option<Stamp>,
    /// Events for subscribers whoever asked: the fleet publisher's cues.
    pub(super) announced: Vec<Event>,
    /// Fingerprints of typed codes asked of the site, and until when an
    /// answer counts.
    pub(super) asked: Vec<(Vec<String>, chrono::DateTime<chrono::Utc>)>,
}

pub(super) type Site = RefCell<SiteMemory>;

/// The directory's clock in `meta`: the latest stamp made or taken here,
/// written with each.
const CLOCK_KEY: &[u8] = b"directory_clock";

/// Where the clock starts after a restart: one read, or, for a database
/// from before the clock was kept, the latest of its stamps (and `true`:
/// its records may want stamps, see [`Engine::stamp_unstamped`]).
pub(super) fn open_site(store: &crate::store::Store) -> Result<(Site, bool), StoreError> {
    let mut memory = SiteMemory::default();
    if let Some(clock) = store.get::<Stamp>(T::Meta, CLOCK_KEY)? {
        memory.last = Some(clock);
        return Ok((RefCell::new(memory), false));
    }
    for (_, v) in store.tree(T::Stamps).iter().flatten() {
        if let Ok(s) = serde_json::from_slice::<Stamp>(&v)
            && memory.last.as_ref().is_none_or(|l| s > *l)
        {
            memory.last = Some(s);
        }
    }
    Ok((RefCell::new(memory), true))
}

impl Engine {
    /// Stamps a change of the directory record `key` made here, and queues
    /// it for the property's broker, in the change's transaction.
    pub(super) fn stamp(&self, tx: &Tx<'_>, key: &str) -> TxResult<()> {
        let stamp = {
            let mut site = self.site.borrow_mut();
            let s = Stamp::next(
                site.last.as_ref(),
                self.now().timestamp_millis(),
                &self.settings.kiosk_id,
            );
            site.last = Some(s.clone());
            s
        };
        tx.put(T::Stamps, key.as_bytes(), &stamp)?;
        tx.put(T::DirectoryOut, key.as_bytes(), &stamp)?;
        tx.put(T::Meta, CLOCK_KEY, &stamp)?;
        self.announce(Event::DirectoryChanged);
        Ok(())
    }

    /// Tells subscribers `event` after the job at hand, whoever asked.
    pub(super) fn announce(&self, event: Event) {
        let mut site = self.site.borrow_mut();
        if site.announced.len() < ANNOUNCED_MAX && !site.announced.contains(&event) {
            site.announced.push(event);
        }
    }

    /// What was announced since the last call (the engine thread publishes
    /// it after each job).
    pub(crate) fn take_announced(&self) -> Vec<Event> {
        std::mem::take(&mut self.site.borrow_mut().announced)
    }

    /// Records made before the kiosk had stamps get one, once, so the site
    /// hears of them; the clock is kept from then on.
    pub(super) fn stamp_unstamped(&self) -> Result<(), EngineError> {
        let mut keys = Vec::new();
        for tree in [T::Recipients, T::Users] {
            for item in self.store.tree(tree).iter() {
                let (k, _) = item.map_err(StoreError::from)?;
                let k = String::from_utf8_lossy(&k).to_string();
                keys.push(match tree {
                    T::Recipients => recipient_key(&k),
                    _ => user_key(&k),
                });
            }
        }
        let stamps = self.store.tree(T::Stamps);
        keys.retain(|k| !stamps.contains_key(k.as_bytes()).unwrap_or(true));
        let clock = self.site.borrow().last.clone();
        self.commit(|tx| {
            if let Some(clock) = &clock {
                tx.put(T::Meta, CLOCK_KEY, clock)?;
            }
            for k in &keys {
                self.stamp(tx, k)?;
            }
            Ok(())
        })
    }

    /// The records changed here and not yet acknowledged by the broker, as
    /// they are now.
    pub(super) fn directory_out(&self) -> Result<Vec<Change>, StoreError> {
        let mut out = Vec::new();
        for item in self.store.tree(T::DirectoryOut).iter() {
            let (k, _) = item?;
            let key = String::from_utf8_lossy(&k).to_string();
            let Some(stamp) = self.store.get::<Stamp>(T::Stamps, &k)? else {
                continue;
            };
            let entry = if let Some(digits) = key.strip_prefix("recipient/") {
                match self
                    .store
                    .get::<Recipient>(T::Recipients, digits.as_bytes())?
                {
                    Some(record) => Entry::Recipient { record },
                    None => continue,
                }
            } else if let Some(name) = key.strip_prefix("user/") {
                Entry::User {
                    name: name.to_string(),
                    record: self.store.get::<User>(T::Users, name.as_bytes())?,
                }
            } else {
                continue;
            };
            out.push(Change { v: 1, stamp, entry });
        }
        Ok(out)
    }

    /// The broker has the record `key` as of `stamp`: off the queue, unless
    /// it changed again since.
    pub(super) fn directory_published(&self, key: &str, stamp: &Stamp) -> EngineResult {
        self.commit(|tx| {
            if let Some(queued) = tx.get::<Stamp, _>(T::DirectoryOut, key.as_bytes())?
                && queued <= *stamp
            {
                tx.del(T::DirectoryOut, key.as_bytes())?;
            }
            Ok(())
        })?;
        Ok(Vec::new())
    }

    /// A change from another kiosk of the property (or this kiosk's own,
    /// as the broker kept it): taken if its stamp is later than the
    /// record's here. Answers `[Done]` when taken, nothing when not.
    pub(super) fn apply_directory(&mut self, who: &str, change: Change) -> EngineResult {
        if change.v != 1 {
            return Err(EngineError::Invalid(format!(
                "directory record version {}",
                change.v
            )));
        }
        check_entry(&change.entry)?;
        let key = change.entry.key();
        {
            let mut site = self.site.borrow_mut();
            if site.last.as_ref().is_none_or(|l| change.stamp > *l) {
                site.last = Some(change.stamp.clone());
            }
        }
        let here: Option<Stamp> = self.store.get(T::Stamps, key.as_bytes())?;
        if here.is_some_and(|h| h >= change.stamp) {
            return Ok(Vec::new());
        }
        // Holds here follow a vacation changed elsewhere; most records
        // taken change no vacation, and need no look at the parcels.
        let waiting = match &change.entry {
            Entry::Recipient { record } => {
                let before: Option<Recipient> = self
                    .store
                    .get(T::Recipients, record.id.digits().as_bytes())?;
                if before.is_none_or(|b| b.vacation_until != record.vacation_until) {
                    self.waiting_for(&record.id)?
                } else {
                    Vec::new()
                }
            }
            Entry::User { .. } => Vec::new(),
        };
        let clock = self.site.borrow().last.clone();
        self.commit(|tx| {
            match &change.entry {
                Entry::Recipient { record } => {
                    tx.put(T::Recipients, record.id.digits().as_bytes(), record)?;
                    self.stretch_holds(tx, &waiting, record.vacation_until)?;
                }
                Entry::User { name, record } => match record {
                    Some(u) => tx.put(T::Users, name.as_bytes(), u)?,
                    None => tx.del(T::Users, name.as_bytes())?,
                },
            }
            tx.put(T::Stamps, key.as_bytes(), &change.stamp)?;
            if let Some(clock) = &clock {
                tx.put(T::Meta, CLOCK_KEY, clock)?;
            }
            // Taken from the site: not the kiosk's own to tell again.
            tx.del(T::DirectoryOut, key.as_bytes())?;
            tx.audit(self.audit_draft(
                who,
                "directory_received",
                None,
                None,
                format!("{key} {}", change.stamp),
            ))
        })?;
        // A staff account changed elsewhere (removed, another role or PIN)
        // starts afresh here too.
        if let Entry::User { name, .. } = &change.entry {
            self.end_sessions_of(name);
        }
        Ok(vec![Event::Done])
    }

    /// The recipient's parcels waiting in this kiosk.
    pub(super) fn waiting_for(&self, rid: &RecipientId) -> Result<Vec<ParcelId>, StoreError> {
        Ok(super::query::live_parcels(&self.store)?
            .into_iter()
            .filter(|p| p.recipient == *rid && p.state == ParcelState::Stored)
            .map(|p| p.id)
            .collect())
    }

    /// Vacation mode's holds: each waiting parcel's deadline is stretched
    /// to the day after `until` (up to the policy's maximum), or back to
    /// its own without one.
    pub(super) fn stretch_holds(
        &self,
        tx: &Tx<'_>,
        waiting: &[ParcelId],
        until: Option<chrono::NaiveDate>,
    ) -> TxResult<()> {
        let tz = self.settings.tz;
        let hold = &self.settings.hold;
        for id in waiting {
            let mut p = tx.parcel(*id)?;
            let Some(dep) = p.deposited_at else { continue };
            let base = hold.deadline(dep, tz, 0);
            p.extension_days =
                hold.vacation_extension(crate::domain::hold::local_date(base, tz), until);
            p.deadline = Some(hold.deadline(dep, tz, p.extension_days));
            tx.put_parcel(&p)?;
        }
        Ok(())
    }
}

/// A record from the wire is checked as one typed here would be.
fn check_entry(entry: &Entry) -> Result<(), EngineError> {
    match entry {
        Entry::Recipient { record } if !record.closed => {
            record.validate().map_err(EngineError::from)
        }
        Entry::Recipient { .. } => Ok(()),
        Entry::User { name, record } => {
            validate_user_name(name).map_err(|e| EngineError::Invalid(e.to_string()))?;
            match record {
                Some(u) if u.name != *name => Err(EngineError::Invalid(format!(
                    "user record {} filed as {name}",
                    u.name
                ))),
                _ => Ok(()),
            }
        }
    }
}
