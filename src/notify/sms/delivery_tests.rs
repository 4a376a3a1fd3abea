//! From a deposit to the simulated modem: recipients who chose texts, or
//! texts and e-mail, each channel delivered at least once on its own.

use chrono::Duration;

use super::Sms;
use crate::config::SmsConfig;
use crate::domain::{NotifyBy, RecipientChange, Size};
use crate::engine::tests::Rig;
use crate::engine::{Command, EngineError, query};
use crate::notify::tests::{plaintext_anywhere, spool_files};
use crate::notify::worker::deliver_due;
use crate::notify::{Senders, Transport};
use crate::sim::modem::{ModemFaults, ModemSim};
use crate::store::{Channel, DeliveryState, Notification, NotificationKind};

const FROM: &str = "locker@lobby.example.org";
const ANA_PHONE: &str = "+34 600 111 111";
const BEN_PHONE: &str = "+34 600 222 222";

fn choose(rig: &mut Rig, id: &str, by: NotifyBy, phone: Option<&str>) -> Result<(), EngineError> {
    rig.engine
        .handle(
            &rig.admin.clone(),
            Command::UpdateRecipient {
                recipient: id.into(),
                change: RecipientChange {
                    notify_by: Some(by),
                    phone: phone.map(str::to_string),
                    ..RecipientChange::default()
                },
            },
        )
        .map(|_| ())
}

fn senders(rig: &Rig, sim: &ModemSim, mail: Option<Transport>) -> Senders {
    let mut cfg = SmsConfig::on(&sim.path().display().to_string());
    cfg.timeout_secs = 2;
    cfg.send_timeout_secs = 5;
    Senders {
        mail: mail.unwrap_or_else(|| Transport::Spool(rig.dir.path().join("outbox"))),
        sms: Some(Sms::new(cfg)),
    }
}

fn outbox(rig: &Rig) -> Vec<Notification> {
    query::outbox(rig.engine.store()).unwrap()
}

/// The whole texts each number got, parts joined in order.
fn texts_to(sim: &ModemSim, number: &str) -> Vec<String> {
    let digits: String = number
        .chars()
        .filter(|c| *c == '+' || c.is_ascii_digit())
        .collect();
    let mut texts: Vec<String> = Vec::new();
    for part in sim.received().into_iter().filter(|r| r.number == digits) {
        match part.concat {
            Some(c) if c.seq > 1 => texts.last_mut().unwrap().push_str(&part.text),
            _ => texts.push(part.text),
        }
    }
    texts
}

#[test]
fn texts_without_a_phone_are_refused_and_a_phone_makes_them_possible() {
    let mut rig = Rig::new();
    let e = choose(&mut rig, "PX-222222", NotifyBy::Sms, None).unwrap_err();
    assert!(e.to_string().contains("phone number"), "{e}");
    choose(&mut rig, "PX-222222", NotifyBy::Both, Some(BEN_PHONE)).unwrap();
}

#[test]
fn a_deposit_texts_who_chose_texts_and_mails_and_texts_who_chose_both() {
    let mut rig = Rig::new();
    choose(&mut rig, "PX-111111", NotifyBy::Both, Some(ANA_PHONE)).unwrap();
    choose(&mut rig, "PX-222222", NotifyBy::Sms, Some(BEN_PHONE)).unwrap();
    let (_, _, ana_code) = rig.deposit("111111", Size::S);
    let (_, _, ben_code) = rig.deposit("222222", Size::S);
    let queued = outbox(&rig);
    let channels: Vec<(Channel, Vec<String>)> =
        queued.iter().map(|n| (n.channel, n.to.clone())).collect();
    assert_eq!(
        channels,
        vec![
            (
                Channel::Email,
                vec!["ana@example.org".into(), "cris@example.org".into()]
            ),
            (Channel::Sms, vec![ANA_PHONE.into()]),
            (Channel::Sms, vec![BEN_PHONE.into()]),
        ],
        "one record a channel, in the deposit's transaction"
    );
    let sim = ModemSim::start(ModemFaults::default()).unwrap();
    let senders = senders(&rig, &sim, None);
    assert_eq!(
        deliver_due(&mut rig.engine, senders.channels(), FROM).unwrap(),
        (3, 0)
    );
    let ana = texts_to(&sim, ANA_PHONE);
    assert_eq!(ana.len(), 1);
    assert!(ana[0].contains(&format!("Código {ana_code}")), "{}", ana[0]);
    assert!(
        ana[0].contains("Recójalo antes de"),
        "Spanish, accents and all: {}",
        ana[0]
    );
    let ben = texts_to(&sim, BEN_PHONE);
    assert!(ben[0].contains(&ben_code), "{}", ben[0]);
    let mails: Vec<String> = spool_files(&rig.dir.path().join("outbox"))
        .iter()
        .map(|f| std::fs::read_to_string(f).unwrap())
        .collect();
    assert_eq!(mails.len(), 1, "Ben chose texts only");
    assert!(mails[0].contains(&ana_code));
    for code in [&ana_code, &ben_code] {
        assert_eq!(plaintext_anywhere(&rig, code), Vec::<String>::new());
    }
}

#[test]
fn a_refusing_modem_keeps_the_text_queued_and_sends_it_later_without_mailing_twice() {
    let mut rig = Rig::new();
    choose(&mut rig, "PX-111111", NotifyBy::Both, Some(ANA_PHONE)).unwrap();
    let (_, _, code) = rig.deposit("111111", Size::S);
    let sim = ModemSim::start(ModemFaults {
        refuse_sends: Some(331),
        ..ModemFaults::default()
    })
    .unwrap();
    let senders = senders(&rig, &sim, None);
    assert_eq!(
        deliver_due(&mut rig.engine, senders.channels(), FROM).unwrap(),
        (1, 1)
    );
    let text = outbox(&rig)
        .into_iter()
        .find(|n| n.channel == Channel::Sms)
        .unwrap();
    assert_eq!((text.state, text.attempts), (DeliveryState::Queued, 1));
    assert!(
        text.last_error
            .as_deref()
            .unwrap()
            .contains("+CMS ERROR: 331")
    );
    assert!(
        text.seed.is_some(),
        "the code can still be derived for the retry"
    );
    sim.set_faults(ModemFaults::default());
    rig.clock.advance(Duration::seconds(40));
    assert_eq!(
        deliver_due(&mut rig.engine, senders.channels(), FROM).unwrap(),
        (1, 0)
    );
    assert!(texts_to(&sim, ANA_PHONE)[0].contains(&code));
    assert_eq!(
        spool_files(&rig.dir.path().join("outbox")).len(),
        1,
        "mailed once"
    );
    assert!(outbox(&rig).iter().all(|n| n.state == DeliveryState::Sent));
}

#[test]
fn without_a_modem_texts_wait_with_the_reason_and_the_command_transport_still_mails() {
    let mut rig = Rig::new();
    choose(&mut rig, "PX-111111", NotifyBy::Both, Some(ANA_PHONE)).unwrap();
    let (_, _, code) = rig.deposit("111111", Size::S);
    let out = rig.dir.path().join("cmd-out.json");
    let command = Transport::Command(vec![
        "sh".into(),
        "-c".into(),
        format!("cat > {}", out.display()),
    ]);
    assert_eq!(
        deliver_due(&mut rig.engine, &command, FROM).unwrap(),
        (1, 1)
    );
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(
        json["to"],
        serde_json::json!(["ana@example.org", "cris@example.org"])
    );
    assert_eq!(json["code"], serde_json::json!(code));
    let text = outbox(&rig)
        .into_iter()
        .find(|n| n.channel == Channel::Sms)
        .unwrap();
    assert!(text.last_error.unwrap().contains("no [sms] modem"));
    // With the modem configured, the command still mails and the text goes.
    let sim = ModemSim::start(ModemFaults::default()).unwrap();
    let senders = senders(&rig, &sim, Some(command));
    rig.clock.advance(Duration::seconds(40));
    assert_eq!(
        deliver_due(&mut rig.engine, senders.channels(), FROM).unwrap(),
        (1, 0)
    );
    assert!(texts_to(&sim, ANA_PHONE)[0].contains(&code));
    let picked = outbox(&rig);
    assert!(picked.iter().all(|n| n.kind == NotificationKind::Delivered));
}
