//! What the end-to-end benches share.

use locker::domain::{Language, Recipient, RecipientId};
use locker::engine::{Actor, Command, Engine};

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
