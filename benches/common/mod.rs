//! What the end-to-end benches share.
// Each bench uses a part of what is here.
#![allow(dead_code)]

use locker::domain::ParcelId;
use locker::domain::ParcelState;
use locker::domain::{Language, Recipient, RecipientId};
use locker::engine::read::{Answer, Query};
use locker::engine::{Actor, Command, Engine};
use locker::store::{Notification, NotificationKind};

fn operator() -> Actor {
    Actor::Local {
        name: "bench".into(),
    }
}

/// Whether the engine has a door it decided to open and has not yet seen
/// through.
pub fn intents_pending(engine: &Engine) -> bool {
    !matches!(engine.read(&operator(), Query::Intents), Ok(Answer::Intents(i)) if i.is_empty())
}

/// Whether `parcel` was picked up and its door's business is over.
pub fn picked_up(engine: &Engine, parcel: ParcelId) -> bool {
    let done = matches!(
        engine.read(&operator(), Query::ParcelRecords { all: true }),
        Ok(Answer::ParcelRecords(ps))
            if ps.iter().any(|p| p.id == parcel && p.state == ParcelState::PickedUp)
    );
    done && !intents_pending(engine)
}

/// A bench parcel for PX-482913 into `door`.
pub fn place(door: locker::domain::CompartmentId) -> Command {
    Command::PlaceParcel {
        compartment: door,
        tracking: "BENCH".into(),
        recipient: "482913".into(),
        class: locker::domain::ParcelClass::Domestic,
    }
}

/// The parcel a `place` stored.
pub fn stored(events: &[locker::engine::Event]) -> ParcelId {
    match events.first() {
        Some(locker::engine::Event::DepositStored { parcel, .. }) => *parcel,
        _ => panic!("not stored: {events:?}"),
    }
}

/// The operator the benches act as, after registering the recipient
/// PX-482913 that their parcels go to.
pub fn bench_recipient(engine: &mut Engine) -> Actor {
    let op = operator();
    let mut r = Recipient::closed(RecipientId::parse("482913").expect("id"));
    r.closed = false;
    r.name = "Bench".into();
    r.email = "bench@example.org".into();
    r.language = Language::En;
    engine
        .handle(&op, Command::AddRecipient { recipient: r })
        .expect("recipient");
    op
}

/// The code the newest message about `parcel` gives, from an outbox read
/// with its codes derived (`Engine::outbox_with_codes`).
pub fn code_in(outbox: Vec<Notification>, parcel: ParcelId) -> String {
    outbox
        .into_iter()
        .rev()
        .find(|n| n.parcel == Some(parcel) && n.kind == NotificationKind::Delivered)
        .and_then(|n| n.code)
        .expect("code")
}
