//! The driver against the simulated modem, over a real pseudo-terminal.

use super::modem::{Modem, ModemError};
use crate::config::SmsConfig;
use crate::gsm::parts::Coding;
use crate::gsm::pdu::Concat;
use crate::sim::modem::{Mode, ModemFaults, ModemSim};

fn modem(sim: &ModemSim, pin: Option<&str>) -> Result<Modem, ModemError> {
    let mut cfg = SmsConfig::on(&sim.path().display().to_string());
    cfg.pin = pin.map(str::to_string);
    cfg.timeout_secs = 2;
    cfg.send_timeout_secs = 5;
    Modem::open(&cfg)
}

fn sim(faults: ModemFaults) -> ModemSim {
    ModemSim::start(faults).expect("simulated modem on a pty")
}

#[test]
fn english_goes_in_text_mode_in_the_gsm_alphabet_past_echo_pin_and_unsolicited_lines() {
    let sim = sim(ModemFaults {
        pin: Some("2468".into()),
        unsolicited: true,
        ..ModemFaults::default()
    });
    let mut m = modem(&sim, Some("2468")).unwrap();
    let text =
        "Lobby locker: your parcel is waiting. Code 123456. Collect by 2026-11-21 23:59 CET.";
    m.send("+34 600 123 456", text, 1).unwrap();
    let got = sim.received();
    assert_eq!(got.len(), 1);
    assert_eq!(
        (
            got[0].number.as_str(),
            got[0].mode,
            got[0].coding,
            got[0].concat
        ),
        ("+34600123456", Mode::Text, Coding::Gsm7, None)
    );
    assert_eq!(got[0].text, text);
    let commands = sim.commands();
    for c in [
        "ATE0",
        "AT+CMEE=1",
        "AT+CPIN=\"2468\"",
        "AT+CSCS=\"GSM\"",
        "AT+CSMP=17,167,0,0",
    ] {
        assert!(commands.iter().any(|x| x == c), "{c} not in {commands:?}");
    }
}

#[test]
fn spanish_that_fits_one_message_goes_in_text_mode_as_ucs2() {
    let sim = sim(ModemFaults::default());
    let mut m = modem(&sim, None).unwrap();
    let text = "Código 123456: recogida en Lobby antes del día 21.";
    m.send("600123456", text, 1).unwrap();
    let got = sim.received();
    assert_eq!((got[0].mode, got[0].coding), (Mode::Text, Coding::Ucs2));
    assert_eq!(
        (got[0].number.as_str(), got[0].text.as_str()),
        ("600123456", text)
    );
    let commands = sim.commands();
    assert!(
        commands.contains(&"AT+CSMP=17,167,0,8".to_string()),
        "{commands:?}"
    );
    // In UCS2 text mode the number is UCS-2 hex too.
    assert!(
        commands.contains(&"AT+CMGS=\"003600300030003100320033003400350036\",129".to_string()),
        "{commands:?}"
    );
}

#[test]
fn a_long_spanish_text_goes_in_numbered_pdu_parts_that_read_back_whole() {
    let sim = sim(ModemFaults {
        unsolicited: true,
        ..ModemFaults::default()
    });
    let mut m = modem(&sim, None).unwrap();
    let text = "Casillero Vestíbulo Norte: su paquete le espera. Código 482913, pulse A en el quiosco. \
                Recójalo antes de 2026-11-21 23:59 CET. Quien tenga el código puede recogerlo por usted.";
    m.send("+34600123456", text, 42).unwrap();
    let got = sim.received();
    assert_eq!(
        got.len(),
        3,
        "{} UCS-2 units in parts of 67",
        text.chars().count()
    );
    for (i, part) in got.iter().enumerate() {
        assert_eq!((part.mode, part.coding), (Mode::Pdu, Coding::Ucs2));
        assert_eq!(
            part.concat,
            Some(Concat {
                reference: 42,
                total: 3,
                seq: i as u8 + 1
            })
        );
        assert!(part.text.encode_utf16().count() <= 67);
    }
    let whole: String = got.iter().map(|p| p.text.as_str()).collect();
    assert_eq!(whole, text);
}

#[test]
fn a_long_text_with_euro_signs_goes_in_7_bit_parts() {
    let sim = sim(ModemFaults::default());
    let mut m = modem(&sim, None).unwrap();
    let text = format!(
        "{} Fee: 1.50 € per pickup [see office].",
        "Parcel waiting.".repeat(10)
    );
    m.send("+34600123456", &text, 9).unwrap();
    let got = sim.received();
    assert_eq!(got.len(), 2);
    assert!(
        got.iter()
            .all(|p| p.mode == Mode::Pdu && p.coding == Coding::Gsm7)
    );
    assert_eq!(
        got.iter().map(|p| p.text.as_str()).collect::<String>(),
        text
    );
    // A single message with an "@" still goes in PDU mode (a NUL byte in
    // text mode).
    m.send("+34600123456", "Ask at reception @ lobby", 10)
        .unwrap();
    let last = sim.received().pop().unwrap();
    assert_eq!(
        (last.mode, last.concat, last.text.as_str()),
        (Mode::Pdu, None, "Ask at reception @ lobby")
    );
}

#[test]
fn a_sim_without_its_pin_or_with_a_wrong_one_is_refused_with_the_reason() {
    let sim = sim(ModemFaults {
        pin: Some("2468".into()),
        ..ModemFaults::default()
    });
    let e = modem(&sim, None).err().expect("no PIN given");
    assert!(
        matches!(&e, ModemError::Sim(why) if why.contains("sms.pin")),
        "{e}"
    );
    let e = modem(&sim, Some("1111")).err().expect("wrong PIN");
    assert!(matches!(e, ModemError::PinRefused(_)), "{e}");
    assert!(
        modem(&sim, Some("2468")).is_ok(),
        "the port opens again after a failure"
    );
}

#[test]
fn a_network_refusal_and_a_mute_modem_are_errors_not_hangs() {
    let sim = sim(ModemFaults {
        refuse_sends: Some(331),
        ..ModemFaults::default()
    });
    let mut m = modem(&sim, None).unwrap();
    let e = m.send("+34600123456", "hello", 1).unwrap_err();
    assert!(e.to_string().contains("+CMS ERROR: 331"), "{e}");
    assert!(!e.modem_down());
    assert!(sim.received().is_empty());
    drop(m);
    sim.set_faults(ModemFaults {
        silent: true,
        ..ModemFaults::default()
    });
    let e = modem(&sim, None).err().expect("a mute modem");
    assert!(matches!(e, ModemError::Timeout(ref c) if c == "AT"), "{e}");
    assert!(e.modem_down());
}

#[test]
fn after_a_mute_modem_texts_rest_without_touching_the_port_and_a_wrong_pin_is_never_retried() {
    use crate::domain::Language;
    use crate::notify::templates::tests::note;
    use crate::store::{Channel, NotificationKind};

    let mut n = note(NotificationKind::Delivered, Language::En);
    n.channel = Channel::Sms;
    n.to = vec!["+34600123456".into()];
    let sim = sim(ModemFaults {
        silent: true,
        ..ModemFaults::default()
    });
    let mut cfg = SmsConfig::on(&sim.path().display().to_string());
    cfg.timeout_secs = 1;
    let sms = super::Sms::new(cfg.clone());
    let e = sms.send(&n).unwrap_err();
    assert!(e.0.contains("did not answer AT"), "{e}");
    let tried = sim.commands().len();
    sim.set_faults(ModemFaults::default());
    let e = sms.send(&n).unwrap_err();
    assert!(
        e.0.contains("did not answer AT"),
        "the same reason while resting: {e}"
    );
    assert_eq!(sim.commands().len(), tried, "the port was left alone");

    sim.set_faults(ModemFaults {
        pin: Some("2468".into()),
        ..ModemFaults::default()
    });
    cfg.pin = Some("1111".into());
    // A modem that answers: only a loaded machine would make it late.
    cfg.timeout_secs = 10;
    let sms = super::Sms::new(cfg);
    let e = sms.send(&n).unwrap_err();
    assert!(e.0.contains("refused sms.pin"), "{e}");
    let pins = |sim: &ModemSim| {
        sim.commands()
            .iter()
            .filter(|c| c.starts_with("AT+CPIN="))
            .count()
    };
    assert_eq!(pins(&sim), 1);
    assert!(sms.send(&n).is_err());
    assert_eq!(pins(&sim), 1, "a refused PIN is not tried a second time");
    assert!(sim.received().is_empty());
}
