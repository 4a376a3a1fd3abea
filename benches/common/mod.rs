//! What the end-to-end benches share.

use locker::domain::ParcelId;
use locker::domain::{Language, Recipient, RecipientId};
use locker::engine::{Actor, Command, Engine};
use locker::store::{Notification, NotificationKind};

/// The operator the benches act as, after registering the recipient
/// PX-482913 that their parcels go to.
pub fn bench_recipient(engine: &mut Engine) -> Actor {
    let op = Actor::Local {
        name: "bench".into(),
    };
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
