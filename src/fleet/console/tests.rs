//! The support console as an agent sees it: a property of two kiosks as
//! the broker holds it, every screen at three sizes, and each order
//! written, confirmed in words and sent only then.

use chrono::{DateTime, TimeZone, Utc};

use super::{Draft, Notice, Screen, Send, Support, SupportFacts, page};
use crate::domain::directory::{Change, Entry, Stamp};
use crate::domain::{
    CompartmentId, CompartmentState, Language, ParcelId, Recipient, RecipientId, Role, Size, User,
};
use crate::fleet::detail::{AlertBrief, DoorBrief, FleetDetail, ParcelBrief};
use crate::fleet::order::{Action, Outcome};
use crate::fleet::{FleetLink, FleetState};
use crate::testkit::snap_sizes;
use crate::ui::{Input, Intent, KeyHints, Keymap};

fn at() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 2, 9, 15, 0).unwrap()
}

fn link(kiosk: &str) -> FleetLink {
    FleetLink {
        host: "broker".into(),
        port: 1883,
        site: "riverside".into(),
        kiosk: kiosk.into(),
        credentials: None,
        tls: None,
    }
}

fn json<T: serde::Serialize>(t: &T) -> Vec<u8> {
    serde_json::to_vec(t).unwrap()
}

fn state(occupied: usize, alerts: usize) -> FleetState {
    let mut doors = std::collections::BTreeMap::new();
    for s in CompartmentState::ALL {
        doors.insert(s.as_str().to_string(), 0);
    }
    doors.insert("free".into(), 4 - occupied);
    doors.insert("occupied".into(), occupied);
    FleetState {
        v: 1,
        at: at(),
        doors,
        boards: vec![(1, true)],
        open_alerts: alerts,
    }
}

fn door(n: u16, parcel: Option<(u64, &str)>) -> DoorBrief {
    DoorBrief {
        door: CompartmentId(n),
        size: Size::S,
        state: if parcel.is_some() {
            CompartmentState::Occupied
        } else {
            CompartmentState::Free
        },
        parcel: parcel.map(|(id, recipient)| ParcelBrief {
            id: ParcelId(id),
            recipient: recipient.into(),
            tracking: format!("1Z99900{id}"),
            deadline: Some(at() + chrono::Duration::days(3)),
        }),
    }
}

fn ana() -> Recipient {
    Recipient::new(
        RecipientId::parse("111111").unwrap(),
        "Ana García",
        "ana@example.org",
    )
}

/// Kiosk A online with Ana's parcel behind door 3 and an open alert;
/// kiosk B gone since 09:15; Ana in the directory.
fn console(agent: bool) -> Support {
    let mut s = Support::new(
        SupportFacts {
            site: "riverside".into(),
            agent: agent.then(|| "ana-support".to_string()),
            tz: chrono_tz::Europe::Madrid,
            language: Language::En,
            keys: KeyHints::new(&Keymap::pc()),
        },
        at(),
    );
    let (a, b) = (link("A"), link("B"));
    assert!(s.heard(&a.online_topic(), b"true"));
    assert!(s.heard(&a.state_topic(), &json(&state(1, 1))));
    let detail = FleetDetail {
        v: 1,
        at: at(),
        doors: vec![
            door(1, None),
            door(2, None),
            door(3, Some((7, "PX-111111"))),
            door(4, None),
        ],
        alerts: vec![AlertBrief {
            id: 4,
            at: at(),
            kind: "door_left_open".into(),
            door: Some(CompartmentId(2)),
            text: "Door 2 was left open".into(),
        }],
    };
    assert!(s.heard(&a.detail_topic(), &json(&detail)));
    assert!(s.heard(&b.online_topic(), b"false"));
    assert!(s.heard(&b.state_topic(), &json(&state(0, 0))));
    let change = Change {
        v: 1,
        stamp: Stamp {
            ms: 1,
            n: 0,
            kiosk: "B".into(),
        },
        entry: Entry::Recipient { record: ana() },
    };
    assert!(s.heard(&b.directory_topic("recipient/111111"), &json(&change)));
    for (name, role) in [("1001", Role::Courier), ("9000", Role::Admin)] {
        let user = Change {
            v: 1,
            stamp: Stamp {
                ms: 1,
                n: 0,
                kiosk: "A".into(),
            },
            entry: Entry::User {
                name: name.into(),
                record: Some(User {
                    name: name.into(),
                    role,
                    pin_hash: "$argon2id$…".into(),
                    badge_hash: None,
                    carrier_email: None,
                }),
            },
        };
        assert!(s.heard(&a.directory_topic(&format!("user/{name}")), &json(&user)));
    }
    // The same record again, or an older version of it, changes nothing.
    assert!(!s.heard(&a.directory_topic("recipient/111111"), &json(&change)));
    s
}

fn key(s: &mut Support, intent: Intent) -> Option<Send> {
    s.input(Input::Intent(intent))
}

fn typed(s: &mut Support, text: &str) {
    for c in text.chars() {
        assert_eq!(s.input(Input::Typed(c)), None);
    }
}

#[test]
fn the_kiosks_of_the_property_online_or_last_seen() {
    let s = console(true);
    let text = crate::testkit::page_text(&page(&s), 80, 24);
    assert!(text.contains("online"), "{text}");
    assert!(text.contains("last seen 02/12 10:15"), "{text}");
    snap_sizes!("support_kiosks", page(&s));
    let empty = Support::new(console(false).facts.clone(), at());
    snap_sizes!("support_no_kiosk_yet", page(&empty));
}

#[test]
fn a_remote_unlock_asks_why_then_names_what_is_inside_before_it_goes() {
    let mut s = console(true);
    key(&mut s, Intent::Enter);
    assert_eq!(s.screen, Screen::Kiosk { id: "A".into() });
    snap_sizes!("support_kiosk_doors", page(&s));
    key(&mut s, Intent::Down);
    key(&mut s, Intent::Down);
    key(&mut s, Intent::Enter);
    assert!(s.wants_text());
    // No reason, no order.
    key(&mut s, Intent::Enter);
    assert_eq!(
        s.notice,
        Some(Notice::Said(crate::wording::Text::SupportSayWhy))
    );
    typed(&mut s, "parcel stuck");
    snap_sizes!("support_unlock_reason", page(&s));
    assert_eq!(key(&mut s, Intent::Enter), None);
    let text = crate::testkit::page_text(&page(&s), 132, 43);
    assert!(
        text.contains(
            "Open door 3 of Kiosk A. It holds parcel P000007 (1Z999007) for PX-111111 Ana García."
        ),
        "{text}"
    );
    snap_sizes!("support_unlock_confirm", page(&s));
    let sent = key(&mut s, Intent::Enter).expect("sent on Enter");
    assert_eq!(
        sent,
        Send {
            kiosk: "A".into(),
            action: Action::Unlock {
                door: CompartmentId(3),
                reason: "parcel stuck".into(),
            },
        }
    );
    snap_sizes!("support_sending", page(&s));
    s.answered(
        "A",
        Ok(Outcome {
            v: 1,
            id: "x".into(),
            done: true,
            said: "door 3 pulsed".into(),
            failure: None,
        }),
    );
    assert_eq!(s.screen, Screen::Kiosk { id: "A".into() });
    snap_sizes!("support_unlock_done", page(&s));
    s.answered("A", Err("no answer from kiosk A within 20 s".into()));
    let text = crate::testkit::page_text(&page(&s), 132, 43);
    assert!(text.contains("No answer from Kiosk A"), "{text}");
    // The kiosk's engine said no: in the agent's language, not the kiosk's.
    s.language = Language::Es;
    s.answered(
        "A",
        Ok(Outcome {
            v: 1,
            id: "y".into(),
            done: false,
            said: "that door is already open".into(),
            failure: Some(crate::link::Failure::Refused(
                crate::engine::Refusal::DoorBusy,
            )),
        }),
    );
    let text = crate::testkit::page_text(&page(&s), 132, 43);
    assert!(!text.contains("already open"), "{text}");
    snap_sizes!("support_refused_es", page(&s));
}

#[test]
fn cancel_anywhere_in_an_order_sends_nothing() {
    let mut s = console(true);
    key(&mut s, Intent::Enter);
    key(&mut s, Intent::Enter);
    typed(&mut s, "x");
    key(&mut s, Intent::Cancel);
    assert_eq!(s.screen, Screen::Kiosk { id: "A".into() });
    key(&mut s, Intent::Enter);
    typed(&mut s, "why");
    key(&mut s, Intent::Enter);
    assert!(matches!(s.screen, Screen::Confirm { .. }));
    assert_eq!(key(&mut s, Intent::Cancel), None);
    assert_eq!(s.screen, Screen::Kiosk { id: "A".into() });
}

#[test]
fn resend_extend_and_alerts_from_a_kiosk_s_doors() {
    let mut s = console(true);
    key(&mut s, Intent::Enter);
    // Door 1 is empty: nothing to resend.
    key(&mut s, Intent::Digit(2));
    assert_eq!(
        s.notice,
        Some(Notice::Said(crate::wording::Text::SupportNoParcelThere))
    );
    key(&mut s, Intent::Down);
    key(&mut s, Intent::Down);
    key(&mut s, Intent::Digit(2));
    assert!(matches!(
        s.screen,
        Screen::Confirm {
            action: Action::Resend {
                parcel: ParcelId(7)
            },
            ..
        }
    ));
    key(&mut s, Intent::Cancel);
    key(&mut s, Intent::Digit(3));
    typed(&mut s, "45");
    key(&mut s, Intent::Enter);
    assert_eq!(
        s.notice,
        Some(Notice::Said(crate::wording::Text::SupportBadDays))
    );
    typed(&mut s, "3");
    key(&mut s, Intent::Enter);
    typed(&mut s, "resident away");
    key(&mut s, Intent::Enter);
    snap_sizes!("support_extend_confirm", page(&s));
    let sent = key(&mut s, Intent::Enter).unwrap();
    assert_eq!(
        sent.action,
        Action::Extend {
            parcel: ParcelId(7),
            days: 3,
            reason: "resident away".into(),
        }
    );
    s.answered("A", Err("gone".into()));
    key(&mut s, Intent::Digit(4));
    assert_eq!(s.screen, Screen::Alerts { id: "A".into() });
    snap_sizes!("support_alerts", page(&s));
    key(&mut s, Intent::Enter);
    typed(&mut s, "checked on camera");
    key(&mut s, Intent::Enter);
    let sent = key(&mut s, Intent::Enter).unwrap();
    assert_eq!(
        sent.action,
        Action::Acknowledge {
            alert: 4,
            note: "checked on camera".into(),
        }
    );
}

#[test]
fn the_directory_parcels_by_recipient_vacation_and_a_new_address() {
    let mut s = console(true);
    key(&mut s, Intent::Digit(1));
    assert_eq!(s.screen, Screen::Recipients);
    snap_sizes!("support_recipients", page(&s));
    key(&mut s, Intent::Enter);
    assert_eq!(
        s.screen,
        Screen::Recipient {
            id: "111111".into()
        }
    );
    snap_sizes!("support_recipient", page(&s));
    key(&mut s, Intent::Digit(5));
    typed(&mut s, "24/12");
    key(&mut s, Intent::Enter);
    assert_eq!(
        s.notice,
        Some(Notice::Said(crate::wording::Text::SupportBadDate))
    );
    typed(&mut s, "2026-12-24");
    key(&mut s, Intent::Enter);
    let sent = key(&mut s, Intent::Enter).unwrap();
    // Directory changes go to an online kiosk; they reach the rest.
    assert_eq!(sent.kiosk, "A");
    assert_eq!(
        sent.action,
        Action::Vacation {
            recipient: "111111".into(),
            until: chrono::NaiveDate::from_ymd_opt(2026, 12, 24),
        }
    );
    s.answered("A", Err("gone".into()));
    key(&mut s, Intent::Digit(6));
    typed(&mut s, "ana@new.example.org");
    key(&mut s, Intent::Enter);
    let Some(Send {
        action: Action::SaveRecipient { recipient },
        ..
    }) = key(&mut s, Intent::Enter)
    else {
        panic!("{:?}", s.screen);
    };
    assert_eq!(recipient.email, "ana@new.example.org");
    assert_eq!(recipient.name, "Ana García");
    s.answered("A", Err("gone".into()));
    key(&mut s, Intent::Back);
    key(&mut s, Intent::Digit(6));
    assert!(matches!(
        s.screen,
        Screen::Form {
            draft: Draft::NewRecipient,
            ..
        }
    ));
    for field in ["222222", "Ben Ortiz", "ben@example.org"] {
        typed(&mut s, field);
        key(&mut s, Intent::Enter);
    }
    snap_sizes!("support_new_recipient_confirm", page(&s));
    let Some(Send {
        action: Action::SaveRecipient { recipient },
        ..
    }) = key(&mut s, Intent::Enter)
    else {
        panic!("{:?}", s.screen);
    };
    assert_eq!(recipient.id.digits(), "222222");
    s.answered("A", Err("gone".into()));
    key(&mut s, Intent::Enter);
    key(&mut s, Intent::Digit(7));
    snap_sizes!("support_close_account_confirm", page(&s));
    let sent = key(&mut s, Intent::Enter).unwrap();
    assert_eq!(
        sent.action,
        Action::CloseAccount {
            recipient: "111111".into()
        }
    );
}

#[test]
fn without_a_key_the_console_watches_and_sends_nothing() {
    let mut s = console(false);
    key(&mut s, Intent::Enter);
    assert_eq!(key(&mut s, Intent::Enter), None);
    assert_eq!(
        s.notice,
        Some(Notice::Said(crate::wording::Text::SupportReadOnly))
    );
    assert_eq!(s.screen, Screen::Kiosk { id: "A".into() });
}

#[test]
fn every_support_screen_in_spanish_fits() {
    let mut s = console(true);
    s.language = Language::Es;
    let mut pages = vec![page(&s)];
    key(&mut s, Intent::Enter);
    pages.push(page(&s));
    key(&mut s, Intent::Digit(4));
    pages.push(page(&s));
    key(&mut s, Intent::Back);
    key(&mut s, Intent::Back);
    key(&mut s, Intent::Digit(1));
    pages.push(page(&s));
    key(&mut s, Intent::Enter);
    pages.push(page(&s));
    for p in pages {
        for (w, h) in crate::testkit::SIZES {
            let text = crate::testkit::page_text(&p, w, h);
            assert!(!text.contains("Kiosk "), "English left at {w}x{h}:\n{text}");
        }
    }
}

#[test]
fn on_a_keypad_the_keys_line_names_only_keys_it_has() {
    let mut s = console(true);
    s.facts.keys = KeyHints::new(&Keymap::keypad16());
    let text = crate::testkit::page_text(&page(&s), 80, 24);
    let keys = text.lines().nth(23).unwrap_or_default().to_string();
    assert!(keys.contains("# Doors"), "{keys}");
    assert!(!keys.contains('-'), "{keys}");
    s.facts.keys = KeyHints::new(&Keymap::pc());
    let text = crate::testkit::page_text(&page(&s), 80, 24);
    assert!(text.contains("Q Leave"), "{text}");
}

#[test]
fn a_staff_account_is_removed_for_the_whole_property_after_a_confirmation() {
    let mut s = console(true);
    key(&mut s, Intent::Digit(2));
    assert_eq!(s.screen, Screen::Staff);
    snap_sizes!("support_staff", page(&s));
    key(&mut s, Intent::Enter);
    let text = crate::testkit::page_text(&page(&s), 80, 24);
    assert!(
        text.contains("Remove the account 1001 (Courier) at every kiosk"),
        "{text}"
    );
    let sent = key(&mut s, Intent::Enter).unwrap();
    assert_eq!(
        sent.action,
        Action::RemoveUser {
            name: "1001".into()
        }
    );
    // Removed elsewhere: the list follows the directory.
    let gone = Change {
        v: 1,
        stamp: Stamp {
            ms: 2,
            n: 0,
            kiosk: "B".into(),
        },
        entry: Entry::User {
            name: "1001".into(),
            record: None,
        },
    };
    assert!(s.heard(&link("B").directory_topic("user/1001"), &json(&gone)));
    assert_eq!(
        s.site.staff().map(|u| u.name.as_str()).collect::<Vec<_>>(),
        ["9000"]
    );
}
