//! Support's orders beyond unlock on a real Mosquitto (installed by
//! .ci/peers.sh, started here on a free port): each is carried out at the
//! kiosk as the agent, whether sent by `locker fleet` or by
//! `fleet::agent::send_order`; one the engine refuses, or the kiosk cannot
//! read, is answered not done with the reason.

mod common;

use std::path::PathBuf;
use std::process::{Command as Process, Output};
use std::sync::{Arc, Mutex};

use common::broker::{Broker, free_port, kiosk_link, publish_raw, subscribe, wait_for};
use common::rig::*;
use locker::domain::{CompartmentId, ParcelId, Recipient, RecipientId};
use locker::engine::read::{Answer, Query};
use locker::fleet::FleetLink;
use locker::fleet::agent::send_order;
use locker::fleet::order::{Action, AgentKey, Order, Outcome};
use locker::kiosk::Screen;
use locker::store::{AuditEntry, NotificationKind};
use locker::testkit::driver::{ANA, BEN};

const AGENT: &str = "ana-support";

/// A broker, kiosk A on it taking orders from the agent, and the agent's
/// key file for `locker fleet`.
struct Site {
    r: Rig,
    agent: AgentKey,
    key_file: PathBuf,
    link: FleetLink,
    results: Arc<Mutex<Vec<Outcome>>>,
    _broker: Broker,
    _dir: tempfile::TempDir,
}

impl Site {
    fn new() -> Site {
        let dir = tempfile::tempdir().expect("temp dir");
        let port = free_port();
        let broker = Broker::start(dir.path(), port);
        let agent = AgentKey::generate(AGENT).expect("agent key");
        let key_file = dir.path().join("ana.key");
        std::fs::write(&key_file, agent.to_file_text()).expect("key file");
        let r = Rig::new();
        let link = kiosk_link(port, "A");
        let online = subscribe::<bool>(port, "watcher", &link.online_topic());
        let results = subscribe::<Outcome>(port, "results", &link.results_topic());
        {
            let _on = r._rt.enter();
            locker::fleet::spawn(r.handle.clone(), link.clone(), vec![agent.public()]);
        }
        wait_for(&online, "the kiosk is online", |o| *o);
        Site {
            r,
            agent,
            key_file,
            link,
            results,
            _broker: broker,
            _dir: dir,
        }
    }

    /// `locker fleet WHAT ARGS` as the agent, to kiosk A.
    fn cli(&self, what: &str, args: &[&str]) -> Output {
        Process::new(env!("CARGO_BIN_EXE_locker"))
            .args(["fleet", what, "--broker"])
            .arg(format!("mqtt://127.0.0.1:{}", self.link.port))
            .args(["--site", "riverside", "--kiosk", "A", "--key"])
            .arg(&self.key_file)
            .args(args)
            .output()
            .expect("locker fleet runs")
    }

    /// An order sent as a support console would.
    fn order(&self, action: Action) -> Outcome {
        send_order(&self.link, &self.agent, action, WAIT).expect("an answer")
    }

    fn audit(&self) -> Vec<AuditEntry> {
        let Answer::AuditEntries(all) = self.r.read(Query::AuditRange {
            after: 0,
            limit: 1000,
        }) else {
            panic!("audit entries")
        };
        all
    }

    /// The audit log has `action` by the agent.
    fn audited(&self, action: &str) {
        let audit = self.audit();
        assert!(
            audit
                .iter()
                .any(|e| e.action == action && e.actor.contains(&format!("support:{AGENT}"))),
            "no {action} by support:{AGENT}: {audit:#?}"
        );
    }

    fn recipient(&self, id: &str) -> Option<Recipient> {
        let id = RecipientId::parse(id).expect("recipient id");
        let Answer::Recipients(all) = self.r.read(Query::Recipients) else {
            panic!("recipients")
        };
        all.into_iter().find(|r| r.id == id)
    }

    fn codes_sent(&self, parcel: ParcelId) -> usize {
        self.r
            .outbox()
            .iter()
            .filter(|n| n.parcel == Some(parcel) && n.kind == NotificationKind::Delivered)
            .count()
    }
}

/// What a successful `locker fleet` printed.
fn printed(out: &Output) -> String {
    assert!(out.status.success(), "{out:?}");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn each_order_from_support_is_carried_out_at_the_kiosk_as_the_agent() {
    let mut s = Site::new();
    let door = CompartmentId(7);
    let (parcel, old_code) = s.r.stored(ANA, door);
    let parcel_arg = parcel.0.to_string();

    // A new code to the recipient.
    let sent = s.codes_sent(parcel);
    let out = printed(&s.cli("resend", &["--parcel", &parcel_arg]));
    assert!(
        out.contains(&format!("A: a new code for parcel {parcel}")),
        "{out}"
    );
    assert_eq!(s.codes_sent(parcel), sent + 1, "one more code sent");
    assert_ne!(s.r.code_of(parcel), old_code);
    s.audited("code_resent");

    // Three more days.
    let before = s.r.parcel(parcel).deadline.expect("a deadline");
    let out = printed(&s.cli(
        "extend",
        &[
            "--parcel",
            &format!("{parcel}"),
            "--days",
            "3",
            "--reason",
            "recipient in hospital",
        ],
    ));
    assert!(out.contains("held 3 more days"), "{out}");
    let after = s.r.parcel(parcel).deadline.expect("a deadline");
    assert_eq!(after - before, chrono::Duration::days(3));
    s.audited("hold_extended");
    assert!(
        s.audit()
            .iter()
            .any(|e| e.action == "hold_extended" && e.detail.contains("recipient in hospital")),
        "the reason is kept"
    );

    // A vacation, then none.
    let out = printed(&s.cli("vacation", &["--recipient", BEN, "--until", "2026-12-24"]));
    assert!(
        out.contains("PX-222222 on vacation until 2026-12-24"),
        "{out}"
    );
    assert_eq!(
        s.recipient(BEN).unwrap().vacation_until,
        chrono::NaiveDate::from_ymd_opt(2026, 12, 24)
    );
    s.audited("vacation");
    printed(&s.cli("vacation", &["--recipient", "PX-222222", "--off"]));
    assert_eq!(s.recipient(BEN).unwrap().vacation_until, None);

    // An alert: a door forced open.
    let forced = CompartmentId(12);
    s.r.sim.force_open(s.r.lock(forced));
    s.r.wait_for("a forced-open alert", |r| {
        r.alerts().iter().any(|a| a.compartment == Some(forced))
    });
    let alert =
        s.r.alerts()
            .into_iter()
            .find(|a| a.compartment == Some(forced))
            .unwrap();
    let out = printed(&s.cli(
        "ack",
        &[
            "--alert",
            &alert.id.to_string(),
            "--note",
            "cleaner opened it",
        ],
    ));
    assert!(
        out.contains(&format!("alert {} acknowledged", alert.id)),
        "{out}"
    );
    let (by, note) =
        s.r.alerts()
            .into_iter()
            .find(|a| a.id == alert.id)
            .and_then(|a| a.acknowledged)
            .expect("acknowledged");
    assert!(by.contains(&format!("support:{AGENT}")), "{by}");
    assert_eq!(note, "cleaner opened it");
    s.audited("alert_acknowledged");

    // A new recipient, changed, then closed.
    let mut cleo = Recipient::closed(RecipientId::parse("333333").unwrap());
    cleo.closed = false;
    cleo.name = "Cleo".into();
    cleo.email = "cleo@example.org".into();
    let added = s.order(Action::SaveRecipient {
        recipient: cleo.clone(),
    });
    assert!(added.done && added.said == "PX-333333 added", "{added:?}");
    assert_eq!(s.recipient("333333").unwrap(), cleo);
    s.audited("recipient_saved");
    s.order(Action::Vacation {
        recipient: "333333".into(),
        until: chrono::NaiveDate::from_ymd_opt(2026, 12, 1),
    });
    cleo.name = "Cleo Vidal".into();
    cleo.email = "cleo.vidal@example.org".into();
    cleo.language = locker::domain::Language::Es;
    let updated = s.order(Action::SaveRecipient {
        recipient: cleo.clone(),
    });
    assert!(
        updated.done && updated.said == "PX-333333 updated",
        "{updated:?}"
    );
    let stored = s.recipient("333333").unwrap();
    assert_eq!(
        stored,
        Recipient {
            vacation_until: chrono::NaiveDate::from_ymd_opt(2026, 12, 1),
            ..cleo
        },
        "changed as given, the vacation kept"
    );
    s.audited("recipient_updated");
    let closed = s.order(Action::CloseAccount {
        recipient: "333333".into(),
    });
    assert!(
        closed.done && closed.said == "PX-333333 closed",
        "{closed:?}"
    );
    let stored = s.recipient("333333").unwrap();
    assert!(stored.closed && stored.name.is_empty() && stored.email.is_empty());
    s.audited("account_closed");
    let removed = s.order(Action::RemoveUser {
        name: "1001".into(),
    });
    assert!(
        removed.done && removed.said == "account 1001 removed",
        "{removed:?}"
    );
    s.audited("user_removed");
    let Answer::Users(users) = s.r.read(Query::Users) else {
        panic!("users")
    };
    assert!(users.iter().all(|u| u.name != "1001"), "{users:?}");

    // Every answer also went to the results topic, each done.
    let results = s.results.lock().unwrap().clone();
    assert!(results.len() >= 9, "{results:?}");
    assert!(results.iter().all(|o| o.done), "{results:?}");
}

/// A parcel put in `door` and picked up: no longer in the locker.
fn collected(r: &mut Rig, door: CompartmentId) -> ParcelId {
    let (parcel, code) = r.stored(ANA, door);
    r.pick_up_opens(&code, door);
    r.close(door, false);
    r.wait_text("Thank you!");
    r.press("*");
    r.wait_for("the home screen", |r| *r.screen() == Screen::Home);
    parcel
}

fn exit_code(out: &Output) -> Option<i32> {
    out.status.code()
}

#[test]
fn an_order_the_engine_or_the_kiosk_refuses_is_answered_not_done_with_why() {
    let mut s = Site::new();
    let gone = collected(&mut s.r, CompartmentId(3));
    let sent = s.codes_sent(gone);

    // Resend for a parcel no longer in the locker: exit 1, with the reason.
    let out = s.cli("resend", &["--parcel", &gone.0.to_string()]);
    assert_eq!(exit_code(&out), Some(1), "{out:?}");
    let said = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(said.starts_with("A: "), "{out:?}");
    assert!(
        String::from_utf8_lossy(&out.stderr).contains(said.trim_start_matches("A: ").trim()),
        "the reason on stderr too: {out:?}"
    );
    assert_eq!(s.codes_sent(gone), sent, "no code sent");
    assert!(
        !s.audit().iter().any(|e| e.action == "code_resent"),
        "nothing resent"
    );

    // Closing an account with a parcel waiting, as a console would.
    s.r.stored(ANA, CompartmentId(4));
    let refused = s.order(Action::CloseAccount {
        recipient: ANA.into(),
    });
    assert!(!refused.done, "{refused:?}");
    assert_eq!(
        refused.said,
        "the recipient still has parcels in the locker"
    );
    // And why, for a console to say in its agent's language.
    assert_eq!(
        refused.failure,
        Some(locker::link::Failure::Refused(
            locker::engine::Refusal::ParcelsWaiting
        ))
    );
    assert!(!s.recipient(ANA).unwrap().closed);
    let unknown = s.order(Action::Acknowledge {
        alert: 999,
        note: "none".into(),
    });
    assert!(
        !unknown.done && unknown.said.contains("alert 999"),
        "{unknown:?}"
    );

    // Bad arguments never reach the broker: exit 2.
    for (what, args) in [
        (
            "extend",
            &["--parcel", "3", "--days", "0", "--reason", "x"][..],
        ),
        ("extend", &["--parcel", "3", "--days", "2", "--reason", " "]),
        ("vacation", &["--recipient", BEN]),
        ("vacation", &["--recipient", "12", "--off"]),
        (
            "vacation",
            &["--recipient", BEN, "--off", "--until", "2026-12-24"],
        ),
        ("resend", &["--parcel", "seven"]),
        ("ack", &["--alert", "1", "--note", ""]),
    ] {
        let out = s.cli(what, args);
        assert_eq!(exit_code(&out), Some(2), "{what} {args:?}: {out:?}");
    }

    // An action this kiosk does not know, signed as any other: refused to
    // its id, and audited.
    let signed = Order::new(
        AGENT,
        "riverside",
        "A",
        Action::Resend { parcel: gone },
        chrono::Utc::now(),
        chrono::Duration::minutes(1),
    )
    .sign(&s.agent);
    let id = signed.order.id.clone();
    let json = serde_json::to_string(&signed).unwrap().replace(
        &format!(r#"{{"resend":{{"parcel":{}}}}}"#, gone.0),
        r#"{"teleport":{"parcel":3}}"#,
    );
    assert!(json.contains("teleport"), "{json}");
    publish_raw(s.link.port, &s.link.orders_topic(), json.into_bytes());
    let answer = wait_for(&s.results, "the unknown action is answered", |o| o.id == id);
    assert!(
        !answer.done && answer.said.contains("teleport"),
        "{answer:?}"
    );
    assert!(
        s.audit().iter().any(|e| e
            .detail
            .contains(&format!("order {id} from {AGENT} refused"))),
        "the refusal is audited"
    );
}

#[test]
fn send_order_says_in_a_line_when_the_broker_cannot_be_reached() {
    let agent = AgentKey::generate(AGENT).unwrap();
    let nobody = kiosk_link(free_port(), "A");
    let e = send_order(
        &nobody,
        &agent,
        Action::Resend {
            parcel: ParcelId(1),
        },
        WAIT,
    )
    .unwrap_err();
    assert!(
        e.starts_with(&format!("broker 127.0.0.1:{}", nobody.port)),
        "{e}"
    );
    assert!(!e.contains('\n'), "{e}");
}
