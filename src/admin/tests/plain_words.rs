//! Every console screen, service screen, alert and e-mail, in both
//! languages, read for code: no `snake_case` or `CamelCase` name, no
//! `Some(` or `None` (see `testkit::plain`).

use chrono::NaiveDate;

use super::screens::busy_bank;
use super::{Desk, TECH};
use crate::domain::{CompartmentId, Language, ParcelClass, ParcelState, Role};
use crate::engine::{Actor, Command, Found, Problem, Refusal, Scanned};
use crate::notify::templates::render;
use crate::notify::templates::tests::note;
use crate::store::{AlertKind, DeliveryState, MarkerKind, Notification, NotificationKind};
use crate::testkit::driver::{ADMIN, ANA};
use crate::testkit::plain::assert_plain;
use crate::testkit::{SIZES, page_text, snap_at};
use crate::ui::page::Page;
use crate::wording::{AUDIT_ACTIONS, machine, name_of, named};

const LANGUAGES: [Language; 2] = [Language::En, Language::Es];

const ALERTS: [AlertKind; 12] = [
    AlertKind::Jam,
    AlertKind::ForcedOpen,
    AlertKind::DoorLeftOpen,
    AlertKind::BoardOffline,
    AlertKind::Lockout,
    AlertKind::DailyCap,
    AlertKind::InspectionNeeded,
    AlertKind::ProblemReported,
    AlertKind::BusDown,
    AlertKind::NotificationDead,
    AlertKind::CodesReissued,
    AlertKind::ItemSensorsUnreadable,
];

const MAILS: [NotificationKind; 11] = [
    NotificationKind::Delivered,
    NotificationKind::Reminder1,
    NotificationKind::Reminder2,
    NotificationKind::FinalNotice,
    NotificationKind::PickedUp,
    NotificationKind::Reassigned,
    NotificationKind::ProofOfDelivery,
    NotificationKind::AdminAlert,
    NotificationKind::ReturnIssued,
    NotificationKind::ReturnReceipt,
    NotificationKind::ReturnCollected,
];

/// Each console screen an admin and a technician reach, as text.
fn console_tour(lang: Language) -> Vec<(String, String)> {
    console_pages(lang)
        .into_iter()
        .map(|(label, page)| (label, page_text(&page, 80, 24)))
        .collect()
}

/// The tour's screens before they are laid out at a size.
fn console_pages(lang: Language) -> Vec<(String, Page)> {
    let mut desk = Desk::speaking(lang);
    busy_bank(&mut desk);
    // Details the audit log keeps as machine names: a wrong code, a
    // reported problem, a vacation set and ended.
    desk.d.press("A000000#");
    let local = Actor::Local {
        name: "test".into(),
    };
    for command in [
        Command::ReportProblem {
            compartment: CompartmentId(2),
            problem: Problem::WrongParcel,
        },
        Command::SetVacation {
            recipient: format!("PX-{ANA}"),
            until: NaiveDate::from_ymd_opt(2026, 12, 15),
        },
        Command::SetVacation {
            recipient: format!("PX-{ANA}"),
            until: None,
        },
    ] {
        let _ = desk.d.engine.handle(&local, command);
    }
    let mut seen = Vec::new();
    // A return's code is made anew each run: the tour shows a fixed one.
    let mut look = |desk: &Desk, label: &str| {
        let page = super::returns::page_with_fixed_code(desk);
        seen.push((format!("{lang:?} {label}"), page))
    };
    look(&desk, "sign-in");
    desk.sign_in(ADMIN.0, "0000");
    look(&desk, "wrong PIN");
    desk.sign_in(ADMIN.0, ADMIN.1);
    look(&desk, "menu");
    for (keys, label) in [
        ("1", "bank"),
        ("1\n", "door"),
        ("1", "unlock reason"),
        ("\x1b\x1b\x1b2", "parcels"),
        ("\n", "parcel"),
        ("\x1b9", "expired"),
        ("\x1b3", "returns"),
        ("1", "return size"),
        ("m\n", "return recipient"),
        ("\n", "return reference"),
        ("\n", "return label"),
        ("\n", "return code"),
        ("\n2", "withdraw return"),
        ("\x1b\x1b4", "people"),
        // Down to the first recipient, and their fees.
        ("jjj7", "fees"),
        ("\x1b\x1b5", "markers"),
        ("\x1b6", "audit"),
        ("9", "audit verified"),
        ("\n", "audit entry"),
        ("\x1b\x1b7", "bus"),
        ("\x1b8", "alerts"),
        ("\n", "alert"),
        ("\x1b\x1b9", "outbox"),
        ("\x1b0", "signed out"),
    ] {
        desk.keys(keys);
        look(&desk, label);
    }
    desk.sign_in(TECH.0, TECH.1);
    look(&desk, "technician menu");
    seen
}

#[test]
fn console_screens_show_no_code_in_either_language() {
    for lang in LANGUAGES {
        let tour = console_pages(lang);
        for (width, height) in SIZES {
            let texts: Vec<(String, String)> = tour
                .iter()
                .map(|(l, p)| (l.clone(), page_text(p, width, height)))
                .collect();
            assert_plain(texts.iter().map(|(l, t)| (l.clone(), t.as_str())));
            if lang == Language::Es {
                let all: Vec<String> = texts.iter().map(|(l, t)| format!("== {l}\n{t}")).collect();
                snap_at!("admin_every_screen_es", width, height, all.join("\n"));
            }
        }
    }
}

#[test]
fn the_tour_sees_what_the_audit_log_stores_as_machine_names() {
    let tour = console_tour(Language::En);
    let audit = &tour
        .iter()
        .find(|(l, _)| l.ends_with(" audit"))
        .expect("audit")
        .1;
    assert!(audit.contains("Wrong code typed"), "{audit}");
    assert!(audit.contains("Unknown code"), "{audit}");
    assert!(audit.contains("PX-111111 away unti"), "{audit}");
    let es = console_tour(Language::Es);
    let audit = &es
        .iter()
        .find(|(l, _)| l.ends_with(" audit"))
        .expect("audit")
        .1;
    assert!(audit.contains("Código incorrecto"), "{audit}");
}

/// Every machine name a screen or an e-mail may show: each has words in
/// the table, and the words are not code.
#[test]
fn every_machine_name_has_plain_words() {
    let mut names: Vec<String> = Vec::new();
    let mut add = |space: &str, name: String| names.push(format!("{space}{name}"));
    for k in ALERTS {
        add("", name_of(&k));
    }
    for k in [
        MarkerKind::ForcedOpen,
        MarkerKind::ManualUnlock,
        MarkerKind::ProblemReported,
        MarkerKind::DailyCap,
        MarkerKind::Manual,
    ] {
        add("", name_of(&k));
    }
    for s in [
        ParcelState::Depositing,
        ParcelState::Stored,
        ParcelState::PickedUp,
        ParcelState::Expired,
        ParcelState::Removed,
    ] {
        add("parcel.", s.as_str().into());
    }
    for c in [
        ParcelClass::Domestic,
        ParcelClass::International,
        ParcelClass::Express,
    ] {
        add("class.", c.as_str().into());
    }
    for r in [Role::Courier, Role::Admin, Role::Technician] {
        add("", r.as_str().into());
    }
    for d in [
        crate::bus::DoorState::Open,
        crate::bus::DoorState::Closed,
        crate::bus::DoorState::Unknown,
    ] {
        add("", name_of(&d));
    }
    for s in [
        DeliveryState::Queued,
        DeliveryState::Sent,
        DeliveryState::Dead,
    ] {
        add("", name_of(&s));
    }
    for k in MAILS {
        add("", name_of(&k));
    }
    use crate::domain::CompartmentState as C;
    for s in [
        C::Free,
        C::Reserved,
        C::Occupied,
        C::Open,
        C::Disabled,
        C::Faulty,
    ] {
        add("compartment.", s.as_str().into());
    }
    for r in [
        Refusal::Malformed,
        Refusal::Unknown,
        Refusal::Used,
        Refusal::Expired,
        Refusal::Replaced,
        Refusal::Reassigned,
        Refusal::OtherKiosk { kiosk: "B".into() },
        Refusal::HeldElsewhere {
            kiosk: "B".into(),
            locker_code: "LK-2".into(),
        },
        Refusal::NotACode {
            scanned: Scanned::Other,
        },
        Refusal::SignInLocked {
            until: chrono::Utc::now(),
        },
        Refusal::NeedsInspection,
        Refusal::DoorBusy,
        Refusal::NotRegistered,
        Refusal::Oversized,
        Refusal::NoCompartment,
        Refusal::BusDown,
        Refusal::WrongPin,
        Refusal::ReopenClosed,
        Refusal::ParcelsWaiting,
        Refusal::ReturnMalformed,
        Refusal::ReturnUnknown,
    ] {
        add("refusal.", name_of(&r));
    }
    for p in [
        Problem::WrongParcel,
        Problem::Damaged,
        Problem::Empty,
        Problem::DoorDidNotOpen,
    ] {
        add("problem.", crate::wording::snake(&format!("{p:?}")));
    }
    for f in [Found::Empty, Found::Parcel] {
        add("found.", crate::wording::snake(&format!("{f:?}")));
    }
    // Why a lock opened, and every action the audit log stores.
    for k in [
        "deposit",
        "pickup",
        "reopen",
        "removal",
        "return_drop",
        "return_collect",
    ]
    .iter()
    .chain(AUDIT_ACTIONS)
    {
        add("", k.to_string());
    }
    let missing: Vec<&String> = names.iter().filter(|n| machine(n).is_none()).collect();
    assert!(missing.is_empty(), "no words for {missing:?}");
    for lang in LANGUAGES {
        let said: Vec<(String, String)> =
            names.iter().map(|n| (n.clone(), named(lang, n))).collect();
        assert_plain(said.iter().map(|(n, w)| (n.clone(), w.as_str())));
    }
}

/// A message of `kind` with every fact a template reads; an alert's text
/// as the engine writes it, with a `{:?}` name in it.
fn mail(kind: NotificationKind, language: Language, alert: AlertKind) -> Notification {
    let mut n = note(kind, language);
    for (key, value) in [
        ("tracking", serde_json::json!("1Z999AA10123456784")),
        ("receipt", serde_json::json!("R-A-000001")),
        ("recipient", serde_json::json!("PX-111111")),
        ("alert", serde_json::json!(alert)),
        ("compartment", serde_json::json!(14)),
        (
            "text",
            serde_json::json!("door 14: recipient reports WrongParcel"),
        ),
    ] {
        n.facts[key] = value;
    }
    n
}

#[test]
fn every_e_mail_and_alert_mail_shows_no_code_in_either_language() {
    let mut said = Vec::new();
    for lang in LANGUAGES {
        for kind in MAILS {
            let alerts: &[AlertKind] = if kind == NotificationKind::AdminAlert {
                &ALERTS
            } else {
                &[AlertKind::Jam]
            };
            for &alert in alerts {
                let t = render(&mail(kind, lang, alert));
                said.push((
                    format!("{lang:?} {kind:?} {alert:?}"),
                    t.subject + "\n" + &t.body,
                ));
            }
        }
        let mut express = mail(NotificationKind::FinalNotice, lang, AlertKind::Jam);
        express.facts["after_expiry"] = serde_json::json!("returned_to_sender");
        let t = render(&express);
        said.push((format!("{lang:?} express"), t.subject + "\n" + &t.body));
    }
    assert_plain(said.iter().map(|(l, t)| (l.clone(), t.as_str())));
    let es = render(&mail(
        NotificationKind::AdminAlert,
        Language::Es,
        AlertKind::InspectionNeeded,
    ));
    assert_eq!(
        es.subject,
        "Alerta del casillero A: La puerta necesita una revisión"
    );
    assert!(es.body.contains("paquete equivocado"), "{}", es.body);
}

/// What the engine says when it will not do something reaches a Spanish
/// console in Spanish, as does what it could not find.
#[test]
fn the_engine_says_no_in_the_console_language() {
    let mut desk = Desk::speaking(Language::Es);
    desk.sign_in(ADMIN.0, ADMIN.1);
    desk.keys("4");
    desk.keys(&format!("2PX-{ANA} otra@example.org Ana Otra\n"));
    let text = desk.text();
    assert!(
        text.contains(&format!("No se hizo: el destinatario PX-{ANA} ya existe")),
        "{text}"
    );
    assert!(!text.contains("already exists"), "{text}");
    let failure = crate::link::Failure::NotFound("parcel P000042".into());
    assert_eq!(
        crate::admin::replies::failure_words(Language::Es, &failure),
        "No encontrado: paquete P000042"
    );
}
