//! Home, help, a lost code and out of service: the screens nobody has to sign in for
//! and no door is involved in.

use super::{Body, t};
use crate::kiosk::model::{Model, Screen};
use crate::wording::{Text, fill};

pub(super) fn body(model: &Model) -> Body {
    match &model.screen {
        Screen::Help => help(model),
        Screen::LostCode { typed } => lost_code(model, typed),
        Screen::LostCodeSent => lost_code_sent(model),
        Screen::OutOfService => out_of_service(model),
        _ => home(model),
    }
}

fn home(model: &Model) -> Body {
    // While typed codes are paused, the home screen says so before anyone
    // types one; the QR code still works.
    let intro = match model.codes_locked_until.filter(|u| *u > model.now()) {
        Some(until) => {
            let time = until.with_timezone(&model.facts.tz).format("%H:%M");
            fill(model.language, Text::HomeIntroPaused, &[("time", &time)])
        }
        None => t(model, Text::HomeIntro),
    };
    let mut b = Body::with_keys("");
    b.heading(t(model, Text::Welcome))
        .words(intro)
        .gap()
        .gap()
        .words(format!("    {}", t(model, Text::HomePickup)))
        .gap()
        .words(format!("    {}", t(model, Text::HomeDeposit)))
        .gap()
        .words(format!("    {}", t(model, Text::HomeHelp)))
        .gap()
        .words(format!("    {}", t(model, Text::HomeLanguage)));
    b
}

fn help(model: &Model) -> Body {
    let lang = model.language;
    let contact = &model.facts.admin_contact;
    let mut b = Body::with_keys(t(model, Text::KeysHome));
    b.heading(t(model, Text::HelpTitle))
        .words(t(model, Text::HelpPickup))
        .extra(t(model, Text::HelpScan))
        .words(t(model, Text::HelpDoor));
    // On a short screen the demo's codes come first (see `demo_lines`).
    let lost = t(model, Text::HelpLostCode);
    let ret = t(model, Text::HelpReturn);
    if model.facts.demo_help.is_some() {
        b.extra(lost).extra(ret);
    } else {
        b.words(lost).words(ret);
    }
    b.gap()
        .words(t(model, Text::HelpCourier))
        .gap()
        .extra(t(model, Text::HelpKeys))
        .gap()
        .words(fill(lang, Text::HelpContact, &[("contact", contact)]));
    if let Some(demo) = &model.facts.demo_help {
        demo_lines(model, demo, &mut b);
    }
    b
}

/// The demo's codes come first on a short screen: they are what a
/// newcomer came to try.
fn demo_lines(model: &Model, demo: &crate::kiosk::model::DemoHelp, b: &mut Body) {
    let lang = model.language;
    b.gap().words(t(model, Text::DemoCodes));
    for (door, code, recipient) in &demo.codes {
        b.words(fill(
            lang,
            Text::DemoCodeLine,
            &[("code", code), ("door", door), ("recipient", recipient)],
        ));
    }
    if let Some(code) = &demo.return_code {
        b.words(fill(lang, Text::DemoReturn, &[("code", code)]));
    }
    let couriers = demo.couriers.join(", ");
    b.words(fill(lang, Text::DemoCouriers, &[("couriers", &couriers)]));
    b.extra(fill(lang, Text::DemoLabel, &[("label", &demo.label)]));
    if let Some((door, qr)) = &demo.qr {
        b.extra(fill(lang, Text::DemoQr, &[("door", door), ("qr", qr)]));
    }
    let recipients = demo.recipients.join(" ");
    b.extra(fill(
        lang,
        Text::DemoRecipients,
        &[("recipients", &recipients)],
    ));
    b.words(fill(lang, Text::DemoConsole, &[("dir", &demo.data_dir)]));
    b.extra(fill(lang, Text::DemoClose, &[("secs", &demo.close_secs)]));
}

/// Only the ID's digits are shown, as the courier's recipient field does.
fn lost_code(model: &Model, typed: &str) -> Body {
    let mut b = Body::with_keys(t(model, Text::KeysLostCode));
    b.heading(t(model, Text::LostCodeTitle))
        .words(t(model, Text::LostCodeHow))
        .gap();
    // The digits in large print under the ID as typed.
    b.words(format!("    PX-{typed}_"));
    super::pickup::typed_id(&mut b, typed);
    b
}

/// The same words for every ID: the screen must not tell which exist.
fn lost_code_sent(model: &Model) -> Body {
    let mut b = Body::with_keys(t(model, Text::KeysHome));
    b.heading(t(model, Text::LostCodeSentTitle))
        .words(t(model, Text::LostCodeSent))
        .words(t(model, Text::LostCodeSentWhere));
    b
}

fn out_of_service(model: &Model) -> Body {
    let lang = model.language;
    let contact = &model.facts.admin_contact;
    let mut b = Body::with_keys("");
    b.heading(t(model, Text::OutOfServiceTitle))
        .words(t(model, Text::OutOfServiceWhy))
        .words(t(model, Text::CodesStayValid))
        .gap()
        .words(fill(
            lang,
            Text::OutOfServiceContact,
            &[("contact", contact)],
        ));
    b
}
