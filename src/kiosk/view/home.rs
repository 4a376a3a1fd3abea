//! Home, help and out of service: the screens nobody has to sign in for
//! and no door is involved in.

use super::{Body, t};
use crate::kiosk::model::{Model, Screen};
use crate::wording::{Text, fill};

pub(super) fn body(model: &Model) -> Body {
    match model.screen {
        Screen::Help => help(model),
        Screen::OutOfService => out_of_service(model),
        _ => home(model),
    }
}

fn home(model: &Model) -> Body {
    let mut b = Body::new("");
    b.title(t(model, Text::Welcome))
        .text(t(model, Text::HomeIntro))
        .blank()
        .blank()
        .text(format!("    {}", t(model, Text::HomePickup)))
        .blank()
        .text(format!("    {}", t(model, Text::HomeDeposit)))
        .blank()
        .text(format!("    {}", t(model, Text::HomeHelp)))
        .blank()
        .text(format!("    {}", t(model, Text::HomeLanguage)));
    b
}

fn help(model: &Model) -> Body {
    let lang = model.language;
    let contact = &model.facts.admin_contact;
    let mut b = Body::new(t(model, Text::KeysHome));
    b.title(t(model, Text::HelpTitle))
        .text(t(model, Text::HelpPickup))
        .text(t(model, Text::HelpScan))
        .text(t(model, Text::HelpDoor))
        .blank()
        .text(t(model, Text::HelpCourier))
        .blank()
        .text(t(model, Text::HelpKeys))
        .blank()
        .text(fill(lang, Text::HelpContact, &[("contact", contact)]));
    if let Some(demo) = &model.facts.demo_help {
        b.blank();
        for line in demo.lines() {
            b.text(line.to_string());
        }
    }
    b
}

fn out_of_service(model: &Model) -> Body {
    let lang = model.language;
    let contact = &model.facts.admin_contact;
    let mut b = Body::new("");
    b.title(t(model, Text::OutOfServiceTitle))
        .text(t(model, Text::OutOfServiceWhy))
        .text(t(model, Text::CodesStayValid))
        .blank()
        .text(fill(
            lang,
            Text::OutOfServiceContact,
            &[("contact", contact)],
        ));
    b
}
