//! A code typed at the wrong kiosk of a property. A kiosk files each live
//! code's fingerprint under the site key, shared by the property's kiosks
//! and kept outside the database; a code typed here that nothing here
//! knows is asked of the site by its fingerprint only. The try is spent
//! here first, as for any wrong code, so the site is no oracle for
//! guesses (docs/FLEET.md).

use super::{Engine, Event};
use crate::domain::{AccessCode, Parcel, ParcelId, ParcelState};
use crate::store::{StoreError, T};

/// How long after a code was typed an answer from the site is shown.
const ANSWER_SECS: i64 = 10;

impl Engine {
    /// The fingerprint a fresh code is filed under for the site, if the
    /// kiosk has a site key.
    pub(super) fn site_fingerprint(&self, code: &AccessCode) -> Option<[u8; 32]> {
        let s = self.settings.site.as_ref()?;
        s.keys.site_fingerprints(&s.site, code).into_iter().next()
    }

    /// A typed code that nothing here knows: the fleet publisher asks the
    /// property's other kiosks whose it is.
    pub(super) fn ask_site(&self, code: &AccessCode) {
        let Some(s) = &self.settings.site else {
            return;
        };
        let fingerprints: Vec<String> = s
            .keys
            .site_fingerprints(&s.site, code)
            .iter()
            .map(hex::encode)
            .collect();
        let until = self.now() + chrono::Duration::seconds(ANSWER_SECS);
        self.asks().push((fingerprints.clone(), until));
        self.announce(Event::AskSite { fingerprints });
    }

    /// The questions to the site an answer still counts for.
    fn asks(&self) -> std::cell::RefMut<'_, Vec<(Vec<String>, chrono::DateTime<chrono::Utc>)>> {
        let now = self.now();
        let mut asked = std::cell::RefMut::map(self.site.borrow_mut(), |s| &mut s.asked);
        asked.retain(|(_, until)| *until > now);
        asked
    }

    /// Whether a live code of this kiosk has one of `fingerprints`.
    pub(super) fn holds_site_code(&self, fingerprints: &[String]) -> Result<bool, StoreError> {
        for fp in fingerprints {
            let Ok(key) = hex::decode(fp) else {
                continue;
            };
            let Some(id) = self.store.get::<ParcelId>(T::SiteCodes, &key)? else {
                continue;
            };
            let parcel: Option<Parcel> = self.store.get(T::Parcels, &id.0.to_be_bytes())?;
            if parcel.is_some_and(|p| {
                p.state == ParcelState::Stored && p.site_key.as_deref() == Some(fp.as_str())
            }) {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// Another kiosk holds a code typed here: told to the screens, if the
    /// code was asked for lately.
    pub(super) fn code_elsewhere(
        &self,
        fingerprint: &str,
        kiosk: String,
        locker_code: String,
    ) -> Vec<Event> {
        let asked = self
            .asks()
            .iter()
            .any(|(fps, _)| fps.iter().any(|f| f == fingerprint));
        if !asked || kiosk == self.settings.kiosk_id {
            return Vec::new();
        }
        let event = Event::CodeHeldElsewhere { kiosk, locker_code };
        self.announce(event.clone());
        vec![event]
    }
}
