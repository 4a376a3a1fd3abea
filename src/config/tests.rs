//! The config file's parsing: every key named when it is wrong.

use super::*;

pub(crate) const GOOD: &str = r#"
[kiosk]
id = "A"
name = "Lobby"
locker_code = "LK-1042"
time_zone = "Europe/Madrid"
data_dir = "data"
hardware = "banks/demo.toml"
"#;

#[test]
fn minimal_config_gets_defaults() {
    let c = Config::parse(GOOD, "k.toml").unwrap();
    assert_eq!(c.policy.hold_days, 5);
    assert_eq!(c.policy.reopen_secs, 60);
    assert_eq!(c.bus.baud, 9600);
    assert_eq!(c.kiosk.time_zone, chrono_tz::Europe::Madrid);
    assert_eq!(c.kiosk.country, Country::SPAIN);
}

#[test]
fn country_is_an_iso_code_and_a_wrong_one_names_file_and_key() {
    let with = |country: &str| {
        let line = format!("time_zone = \"Europe/Madrid\"\ncountry = \"{country}\"");
        Config::parse(
            &GOOD.replace("time_zone = \"Europe/Madrid\"", &line),
            "k.toml",
        )
    };
    assert_eq!(with("US").unwrap().kiosk.country.as_str(), "US");
    for wrong in ["XX", "Spain"] {
        let e = with(wrong).unwrap_err();
        assert_eq!(
            (e.file.as_str(), e.key.as_str()),
            ("k.toml", "kiosk.country")
        );
        assert!(e.reason.contains("ISO 3166"), "{e}");
        assert!(!e.to_string().contains('\n'), "{e}");
    }
}

#[test]
fn built_in_keymap_names_stay_names_and_files_become_paths() {
    let dir = Path::new("/etc/locker");
    for (given, want) in [
        ("keypad-16", "keypad-16"),
        ("pc", "pc"),
        ("lobby.toml", "/etc/locker/lobby.toml"),
        ("maps/lobby", "/etc/locker/maps/lobby"),
        ("/opt/maps/lobby.toml", "/opt/maps/lobby.toml"),
    ] {
        let text = GOOD.replace(
            "hardware = \"banks/demo.toml\"",
            &format!("hardware = \"banks/demo.toml\"\nkeymap = \"{given}\""),
        );
        let mut c = Config::parse(&text, "k.toml").unwrap();
        c.resolve_paths(dir);
        assert_eq!(c.kiosk.keymap, Some(PathBuf::from(want)), "{given}");
    }
}

#[test]
fn bad_time_zone_names_file_and_key() {
    let text = GOOD.replace("Europe/Madrid", "Mars/Olympus");
    let e = Config::parse(&text, "k.toml").unwrap_err();
    assert_eq!(e.file, "k.toml");
    assert_eq!(e.key, "kiosk.time_zone");
    assert!(!e.to_string().contains('\n'), "{e}");
}

#[test]
fn wrong_type_names_the_key() {
    let text = format!("{GOOD}\n[policy]\nhold_days = \"five\"\n");
    let e = Config::parse(&text, "k.toml").unwrap_err();
    assert_eq!(e.key, "policy.hold_days");
    assert!(e.reason.contains("line"), "{e}");
}

#[test]
fn unknown_key_is_refused() {
    let text = format!("{GOOD}\n[bus]\nbaudrate = 9600\n");
    let e = Config::parse(&text, "k.toml").unwrap_err();
    assert!(e.reason.contains("baudrate"), "{e}");
    assert!(!e.to_string().contains('\n'), "{e}");
}

#[test]
fn semantic_errors_name_the_key() {
    let text = format!("{GOOD}\n[policy]\nreminder_days = [2, 7]\n");
    assert_eq!(
        Config::parse(&text, "k.toml").unwrap_err().key,
        "policy.reminder_days"
    );
    let text = format!("{GOOD}\n[bus]\nbaud = 1234\n");
    assert_eq!(Config::parse(&text, "k.toml").unwrap_err().key, "bus.baud");
    let text = format!("{GOOD}\n[notify]\ntransport = \"smtp\"\n");
    assert_eq!(
        Config::parse(&text, "k.toml").unwrap_err().key,
        "notify.smtp_host"
    );
    let text = format!("{GOOD}\n[control]\nidle_secs = 5\n");
    let e = Config::parse(&text, "k.toml").unwrap_err();
    assert_eq!(e.key, "control.idle_secs");
    assert!(!e.to_string().contains('\n'), "{e}");
}

#[test]
fn control_idle_time_defaults_to_five_minutes() {
    assert_eq!(
        Config::parse(GOOD, "k.toml").unwrap().control.idle_secs,
        300
    );
    let text = format!("{GOOD}\n[control]\nidle_secs = 3600\n");
    assert_eq!(
        Config::parse(&text, "k.toml").unwrap().control.idle_secs,
        3600
    );
}

fn key_of(text: &str) -> String {
    Config::parse(text, "k.toml").unwrap_err().key
}

#[test]
fn argon2_costs_stay_within_bounds() {
    let cost = |m: u32, t: u32, p: u32| {
        format!("{GOOD}\n[security.argon2]\nm_kib = {m}\nt = {t}\np = {p}\n")
    };
    assert!(Config::parse(&cost(19_456, 2, 1), "k.toml").is_ok());
    assert!(Config::parse(&cost(8192, 1, 1), "k.toml").is_ok());
    assert!(Config::parse(&cost(262_144, 10, 4), "k.toml").is_ok());
    assert_eq!(key_of(&cost(8, 2, 1)), "security.argon2.m_kib");
    assert_eq!(key_of(&cost(4_000_000, 2, 1)), "security.argon2.m_kib");
    assert_eq!(key_of(&cost(19_456, 0, 1)), "security.argon2.t");
    assert_eq!(key_of(&cost(19_456, 11, 1)), "security.argon2.t");
    assert_eq!(key_of(&cost(19_456, 2, 5)), "security.argon2.p");
    let e = Config::parse(&cost(64, 1, 1), "k.toml").unwrap_err();
    assert!(e.reason.contains("insecure_test_cost"), "{e}");
}

#[test]
fn the_test_cost_needs_its_hatch_and_keeps_the_upper_bounds() {
    let hatch = |m: u32| {
        format!(
            "{GOOD}\n[security]\ninsecure_test_cost = true\n\
             [security.argon2]\nm_kib = {m}\nt = 1\np = 1\n"
        )
    };
    let c = Config::parse(&hatch(64), "k.toml").unwrap();
    assert_eq!(c.security.argon2, HashCost::TEST);
    assert_eq!(key_of(&hatch(4_000_000)), "security.argon2.m_kib");
    // argon2's own floor still holds.
    assert_eq!(key_of(&hatch(1)), "security.argon2");
}

#[test]
fn shown_names_are_short_and_free_of_control_characters() {
    for key in ["name", "locker_code", "admin_contact"] {
        let with = |v: &str| {
            let line = format!("{key} = {}\n", toml::Value::String(v.into()));
            let text = GOOD.replace("[kiosk]\n", &format!("[kiosk]\n{line}"));
            // The key given twice is a TOML error; replace the original.
            let text = match key {
                "name" => text.replacen("name = \"Lobby\"\n", "", 1),
                "locker_code" => text.replacen("locker_code = \"LK-1042\"\n", "", 1),
                _ => text,
            };
            Config::parse(&text, "k.toml")
        };
        assert!(with("Lobby B").is_ok(), "{key}");
        assert_eq!(
            with(&"x".repeat(41)).unwrap_err().key,
            format!("kiosk.{key}")
        );
        assert_eq!(
            with(&"x".repeat(1_000_000)).unwrap_err().key,
            format!("kiosk.{key}")
        );
        let e = with("Lobby\u{1b}[2J").unwrap_err();
        assert_eq!(e.key, format!("kiosk.{key}"));
        assert!(!e.to_string().contains('\u{1b}'), "{e}");
    }
    let text = format!("{GOOD}\n[notify]\nadmin_email = \"a\\u001b@example.org\"\n");
    assert_eq!(key_of(&text), "notify.admin_email");
    let text = format!("{GOOD}\n[notify]\nsmtp_tls = \"maybe\"\n");
    assert_eq!(key_of(&text), "notify.smtp_tls");
}

#[test]
fn missing_section_is_named() {
    let e = Config::parse("[bus]\nbaud = 9600\n", "k.toml").unwrap_err();
    assert!(e.reason.contains("kiosk"), "{e}");
}

#[test]
fn a_fleet_broker_is_an_mqtt_url_and_its_site_names_topics() {
    let fleet = |broker: &str, site: &str| {
        format!("{GOOD}\n[fleet]\nbroker = \"{broker}\"\nsite = \"{site}\"\n")
    };
    let addr = |host: &str, port, tls| {
        Ok(Some(BrokerAddr {
            host: host.to_string(),
            port,
            tls,
        }))
    };
    let c = Config::parse(&fleet("mqtt://broker.lan:1884", "riverside"), "k.toml").unwrap();
    assert_eq!(c.fleet.broker_addr(), addr("broker.lan", 1884, false));
    let c = Config::parse(&fleet("mqtt://10.0.0.2", "riverside"), "k.toml").unwrap();
    assert_eq!(c.fleet.broker_addr(), addr("10.0.0.2", 1883, false));
    assert_eq!(key_of(&fleet("http://broker", "riverside")), "fleet.broker");
    assert_eq!(
        key_of(&fleet("mqtt://broker:99999", "riverside")),
        "fleet.broker"
    );
    assert_eq!(key_of(&fleet("mqtt://broker", "")), "fleet.site");
    assert_eq!(key_of(&fleet("mqtt://broker", "a/b")), "fleet.site");
    // No broker: the kiosk is on its own.
    assert_eq!(
        Config::parse(GOOD, "k.toml").unwrap().fleet.broker_addr(),
        Ok(None)
    );
}

#[test]
fn an_mqtts_broker_needs_its_ca_and_a_client_certificate_comes_with_its_key() {
    let fleet = |broker: &str, lines: &str| {
        format!("{GOOD}\n[fleet]\nbroker = \"{broker}\"\nsite = \"riverside\"\n{lines}")
    };
    let c = Config::parse(
        &fleet("mqtts://broker.lan", "ca_file = \"ca.pem\"\n"),
        "k.toml",
    )
    .unwrap();
    assert_eq!(
        c.fleet.broker_addr(),
        Ok(Some(BrokerAddr {
            host: "broker.lan".into(),
            port: 8883,
            tls: true
        }))
    );
    let e = Config::parse(&fleet("mqtts://broker.lan:8884", ""), "k.toml").unwrap_err();
    assert_eq!(e.key, "fleet.ca_file");
    assert!(e.reason.contains("required with mqtts://"), "{e}");
    assert_eq!(
        key_of(&fleet("mqtt://broker.lan", "ca_file = \"ca.pem\"\n")),
        "fleet.ca_file"
    );
    assert_eq!(
        key_of(&fleet(
            "mqtts://broker.lan",
            "ca_file = \"ca.pem\"\ncert_file = \"kiosk.pem\"\n"
        )),
        "fleet.key_file"
    );
    assert_eq!(
        key_of(&fleet(
            "mqtts://broker.lan",
            "ca_file = \"ca.pem\"\nkey_file = \"kiosk.key\"\n"
        )),
        "fleet.cert_file"
    );
    Config::parse(
        &fleet(
            "mqtts://broker.lan",
            "ca_file = \"ca.pem\"\ncert_file = \"kiosk.pem\"\nkey_file = \"kiosk.key\"\n",
        ),
        "k.toml",
    )
    .unwrap();
}

#[test]
fn fleet_files_are_taken_from_the_configs_folder() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("etc")).unwrap();
    let path = dir.path().join("etc/k.toml");
    std::fs::write(
        &path,
        format!(
            "{GOOD}\n[fleet]\nbroker = \"mqtts://broker.lan\"\nsite = \"riverside\"\n\
             username = \"riverside-A\"\npassword_file = \"broker.pass\"\n\
             ca_file = \"tls/ca.pem\"\ncert_file = \"/etc/locker/kiosk.pem\"\n\
             key_file = \"tls/kiosk.key\"\n"
        ),
    )
    .unwrap();
    let f = Config::load(&path).unwrap().fleet;
    let etc = dir.path().join("etc");
    assert_eq!(f.password_file, Some(etc.join("broker.pass")));
    assert_eq!(f.ca_file, Some(etc.join("tls/ca.pem")));
    assert_eq!(f.cert_file, Some("/etc/locker/kiosk.pem".into()));
    assert_eq!(f.key_file, Some(etc.join("tls/kiosk.key")));
}

#[test]
fn bell_is_on_and_speech_off_unless_configured_and_an_empty_program_names_the_key() {
    let c = Config::parse(GOOD, "k.toml").unwrap();
    assert!(c.kiosk.bell);
    assert!(c.kiosk.speech.is_empty());
    let with = |lines: &str| {
        let text = GOOD.replace(
            "hardware = \"banks/demo.toml\"",
            &format!("hardware = \"banks/demo.toml\"\n{lines}"),
        );
        Config::parse(&text, "k.toml")
    };
    let c =
        with("bell = false\nspeech = [\"espeak-ng\", \"-v\", \"{voice}\", \"--stdin\"]").unwrap();
    assert!(!c.kiosk.bell);
    assert_eq!(c.kiosk.speech, ["espeak-ng", "-v", "{voice}", "--stdin"]);
    let e = with("speech = [\" \", \"-v\"]").unwrap_err();
    assert_eq!(
        (e.file.as_str(), e.key.as_str()),
        ("k.toml", "kiosk.speech")
    );
    assert!(!e.to_string().contains('\n'), "{e}");
    let e = with("speech = \"espeak-ng -v en\"").unwrap_err();
    assert_eq!(e.key, "kiosk.speech", "{e}");
}
