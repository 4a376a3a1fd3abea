//! The console's one-line forms: what each asks, what a keypad digit picks
//! on an empty field, and the command (or read) the typed text becomes.

use super::filters::{action_named, audit_filter, marker_filter, parse_date};
use super::model::{Form, Inside};
use super::returns::Step;
use crate::domain::Language;
use crate::domain::{CompartmentId, RecipientId, Role};
use crate::engine::read::Query;
use crate::engine::{Command, Found};
use crate::store::audit::AuditFilter;
use crate::wording::{AUDIT_ACTIONS, Text, fill};

/// Reasons a keypad picks by number (the keypad has no letters), each
/// list fitting its action.
const UNLOCK_REASONS: &[Text] = &[
    Text::ReasonPulseTest,
    Text::ReasonStuck,
    Text::ReasonInspection,
    Text::ReasonAtDesk,
    Text::ReasonMaintenance,
];
const DISABLE_REASONS: &[Text] = &[
    Text::ReasonBroken,
    Text::ReasonMaintenance,
    Text::ReasonCleaning,
];
const ENABLE_REASONS: &[Text] = &[Text::ReasonRepaired, Text::ReasonCleaned];
const INSPECT_NOTES: &[Text] = &[
    Text::ReasonInspection,
    Text::ReasonKeptAtDesk,
    Text::ReasonReturnedToCourier,
];
const ALERT_NOTES: &[Text] = &[
    Text::ReasonCheckedCamera,
    Text::ReasonFalseAlarm,
    Text::ReasonHandledOnSite,
];
const MARKER_NOTES: &[Text] = &[
    Text::ReasonIncident,
    Text::ReasonForCamera,
    Text::ReasonMaintenance,
];

/// Roles a keypad picks by number, in `ROLES` order.
const ROLE_PICKS: &[Text] = &[Text::RoleCourier, Text::RoleAdmin, Text::RoleTechnician];
const ROLES: [Role; 3] = [Role::Courier, Role::Admin, Role::Technician];
/// What the audit can be narrowed to.
const AUDIT_PICKS: &[Text] = &[
    Text::FilterByDoor,
    Text::FilterByAction,
    Text::FilterByActor,
    Text::FilterBySince,
];
/// Everyday actions a keypad picks from (each the words of an action).
const ACTION_PICKS: &[Text] = &[
    Text::DidPickedUp,
    Text::DidDepositStored,
    Text::DidManualUnlock,
    Text::DidRemoved,
    Text::DidSignIn,
    Text::DidWrongCode,
];

/// Which of `options` the text is, as a keypad pick puts it (in either
/// language) or as someone types it.
fn picked(text: &str, options: &[Text]) -> Option<usize> {
    options.iter().position(|t| {
        [Language::En, Language::Es]
            .into_iter()
            .any(|l| crate::wording::tr(l, *t).eq_ignore_ascii_case(text))
    })
}

/// What a form's text becomes.
pub enum Outcome {
    Command(Command),
    Read(Query),
    /// The form asks its next question (a keypad's role, then PIN).
    Next(Form),
    /// The text does not fit the form: say why, keep the form.
    Invalid(Text),
}

impl Form {
    pub fn prompt(&self, lang: Language) -> String {
        let say = |id: Text, args: &[(&str, &dyn std::fmt::Display)]| fill(lang, id, args);
        let days = crate::domain::hold::EXTENSION_DAYS;
        let digits = crate::domain::code::PIN_DIGITS;
        match self {
            Form::UnlockReason(c, Inside::Parcel(p)) => {
                say(Text::FormUnlockParcel, &[("door", c), ("parcel", p)])
            }
            Form::UnlockReason(c, Inside::Something) => {
                say(Text::FormUnlockSomething, &[("door", c)])
            }
            Form::UnlockReason(c, Inside::Empty) => say(Text::FormUnlockEmpty, &[("door", c)]),
            Form::UnlockReason(c, Inside::Unknown) => say(Text::FormUnlock, &[("door", c)]),
            Form::DisableReason(c, true) => say(Text::FormDisable, &[("door", c)]),
            Form::DisableReason(c, false) => say(Text::FormEnable, &[("door", c)]),
            Form::InspectNote(c, Found::Empty) => say(Text::FormInspectedEmpty, &[("door", c)]),
            Form::InspectNote(c, Found::Parcel) => say(Text::FormInspectedParcel, &[("door", c)]),
            Form::ExtendDays(p) => say(
                Text::FormExtend,
                &[("parcel", p), ("from", days.start()), ("to", days.end())],
            ),
            Form::Reassign(p) => say(Text::FormReassign, &[("parcel", p)]),
            Form::Vacation(r) => say(Text::FormVacation, &[("recipient", r)]),
            Form::AckNote(id) => say(Text::FormAck, &[("id", id)]),
            Form::MarkerNote(Some(c)) => say(Text::FormMarkerDoor, &[("door", c)]),
            Form::MarkerNote(None) => say(Text::FormMarker, &[]),
            Form::PinReset(name) => say(
                Text::FormPin,
                &[
                    ("name", name),
                    ("from", digits.start()),
                    ("to", digits.end()),
                ],
            ),
            Form::AddUser => say(Text::FormAddUser, &[]),
            Form::AddRecipient => say(Text::FormAddRecipient, &[]),
            Form::EditRecipient(r) => say(Text::FormEditRecipient, &[("id", &r.id)]),
            Form::AddDelegate(r) => say(Text::FormDelegate, &[("id", &r.id)]),
            Form::MarkerFilter => say(Text::FormMarkerFilter, &[]),
            Form::ParcelSearch => say(Text::FormParcelSearch, &[]),
            Form::AuditFilter => say(Text::FormAuditFilter, &[]),
            Form::AuditDoor => say(Text::FormDoor, &[]),
            Form::AuditAction => say(Text::FormAuditAction, &[]),
            Form::AuditActor => say(Text::FormAuditActor, &[]),
            Form::AuditSince => say(Text::FormAuditSince, &[]),
            Form::NewUserRole(name) => say(Text::FormNewUserRole, &[("name", name)]),
            Form::NewUserPin(name, role) => say(
                Text::FormNewUserPin,
                &[
                    ("name", name),
                    ("role", &crate::wording::named(lang, role.as_str())),
                    ("from", digits.start()),
                    ("to", digits.end()),
                ],
            ),
            Form::Door => say(Text::FormDoor, &[]),
            Form::CloseAccount(r) => say(Text::FormCloseAccount, &[("recipient", r)]),
            Form::RemoveUser(name) => say(Text::FormRemoveUser, &[("name", name)]),
            Form::Return(r) => r.prompt(lang, false),
        }
    }

    /// What the form asks on a 16-key keypad, where it differs: a filter
    /// is picked from a list or typed as digits, never as words.
    pub fn keypad_prompt(&self, lang: Language) -> String {
        match self {
            Form::AuditFilter => crate::wording::tr(lang, Text::FormAuditFilterKeypad).into(),
            Form::MarkerFilter => crate::wording::tr(lang, Text::FormMarkerFilterKeypad).into(),
            Form::Return(r) => r.prompt(lang, true),
            other => other.prompt(lang),
        }
    }

    /// The reasons or notes a keypad picks from for this form: none for
    /// forms that take something else.
    pub fn reasons(&self) -> &'static [Text] {
        match self {
            Form::UnlockReason(..) => UNLOCK_REASONS,
            Form::DisableReason(_, true) => DISABLE_REASONS,
            Form::DisableReason(_, false) => ENABLE_REASONS,
            Form::InspectNote(..) => INSPECT_NOTES,
            Form::AckNote(_) => ALERT_NOTES,
            Form::MarkerNote(_) => MARKER_NOTES,
            Form::NewUserRole(_) => ROLE_PICKS,
            Form::AuditFilter => AUDIT_PICKS,
            Form::AuditAction => ACTION_PICKS,
            Form::Return(r) => r.reasons(),
            _ => &[],
        }
    }

    /// Whether `text` is one of this form's keypad picks, as picked.
    pub fn is_pick(&self, text: &str) -> bool {
        !text.is_empty() && picked(text, self.reasons()).is_some()
    }

    /// A form that adds one criterion to the audit filter shown.
    pub fn narrows_audit(&self) -> bool {
        matches!(
            self,
            Form::AuditDoor | Form::AuditAction | Form::AuditActor | Form::AuditSince
        )
    }

    /// What the keypad's numbered list is: reasons, or choices.
    pub fn pick_title(&self) -> Text {
        match self {
            Form::NewUserRole(_) | Form::AuditFilter | Form::AuditAction | Form::Return(_) => {
                Text::PickOne
            }
            _ => Text::PickReason,
        }
    }

    /// Whether the field is a number (days, a PIN, a door): letters are
    /// never typed into it.
    pub fn takes_digits_only(&self) -> bool {
        matches!(
            self,
            Form::ExtendDays(_)
                | Form::PinReset(_)
                | Form::Door
                | Form::NewUserPin(..)
                | Form::AuditDoor
                | Form::AuditSince
        )
    }

    /// The field as the screen shows it: a PIN as stars, also the PIN at
    /// the end of a new account's line.
    pub fn shown(&self, text: &str) -> String {
        let stars = |s: &str| "*".repeat(s.chars().count());
        match self {
            Form::PinReset(_) | Form::NewUserPin(..) => stars(text),
            Form::AddUser => {
                // NAME ROLE PIN: everything after the second word's end.
                let mut words = 0;
                let mut in_word = false;
                for (i, c) in text.char_indices() {
                    match (c.is_whitespace(), in_word) {
                        (false, false) => {
                            words += 1;
                            in_word = true;
                            if words == 3 {
                                return format!("{}{}", &text[..i], stars(&text[i..]));
                            }
                        }
                        (true, true) => in_word = false,
                        _ => {}
                    }
                }
                text.to_string()
            }
            _ => text.to_string(),
        }
    }

    pub fn submit(&self, text: &str) -> Outcome {
        let text = text.trim();
        let reason = || {
            if text.is_empty() {
                Err(Text::NeedReason)
            } else {
                Ok(text.to_string())
            }
        };
        let command = |c| Outcome::Command(c);
        let audit = |filter| {
            Outcome::Read(Query::Audit {
                before: None,
                filter,
            })
        };
        match self {
            Form::UnlockReason(c, _) => match reason() {
                Ok(reason) => command(Command::ManualUnlock {
                    compartment: *c,
                    reason,
                }),
                Err(why) => Outcome::Invalid(why),
            },
            Form::DisableReason(c, disabled) => match reason() {
                Ok(reason) => command(Command::SetDisabled {
                    compartment: *c,
                    disabled: *disabled,
                    reason,
                }),
                Err(why) => Outcome::Invalid(why),
            },
            Form::InspectNote(c, found) => command(Command::MarkInspected {
                compartment: *c,
                found: *found,
                note: text.to_string(),
            }),
            Form::ExtendDays(p) => match text.parse::<u32>() {
                Ok(days) => command(Command::ExtendHold {
                    parcel: *p,
                    days,
                    reason: "extended at the admin console".into(),
                }),
                Err(_) => Outcome::Invalid(Text::NeedDays),
            },
            Form::Reassign(p) => command(Command::Reassign {
                parcel: *p,
                recipient: text.to_string(),
            }),
            Form::Vacation(r) => {
                let until = if text.is_empty() {
                    None
                } else {
                    match parse_date(text) {
                        Some(d) => Some(d),
                        None => return Outcome::Invalid(Text::NeedDate),
                    }
                };
                command(Command::SetVacation {
                    recipient: r.clone(),
                    until,
                })
            }
            Form::AckNote(id) => command(Command::AcknowledgeAlert {
                id: *id,
                note: text.to_string(),
            }),
            Form::MarkerNote(c) => match reason() {
                Ok(note) => command(Command::AddMarker {
                    compartment: *c,
                    note,
                }),
                Err(_) => Outcome::Invalid(Text::NeedMarkerNote),
            },
            Form::PinReset(name) => command(Command::ResetPin {
                name: name.clone(),
                pin: text.to_string(),
            }),
            Form::AddUser => {
                let words: Vec<&str> = text.split_whitespace().collect();
                match words.as_slice() {
                    // A user number alone: the role and PIN are asked next.
                    [name] if crate::domain::people::validate_user_name(name).is_ok() => {
                        Outcome::Next(Form::NewUserRole((*name).to_string()))
                    }
                    [name, role, pin] => match role.parse() {
                        Ok(role) => command(Command::AddUser {
                            name: (*name).to_string(),
                            role,
                            pin: (*pin).to_string(),
                            badge: None,
                            carrier_email: None,
                        }),
                        Err(_) => Outcome::Invalid(Text::NeedRole),
                    },
                    _ => Outcome::Invalid(Text::NeedNameRolePin),
                }
            }
            Form::AddRecipient => {
                let mut words = text.splitn(3, ' ');
                let (Some(id), Some(email), Some(name)) =
                    (words.next(), words.next(), words.next())
                else {
                    return Outcome::Invalid(Text::NeedIdEmailName);
                };
                let Ok(id) = RecipientId::parse(id) else {
                    return Outcome::Invalid(Text::NeedRecipientId);
                };
                let mut r = crate::domain::Recipient::closed(id);
                r.closed = false;
                r.email = email.to_string();
                r.name = name.trim().to_string();
                command(Command::AddRecipient { recipient: r })
            }
            Form::EditRecipient(r) => {
                let Some((email, name)) = text.split_once(' ') else {
                    return Outcome::Invalid(Text::NeedEmailName);
                };
                command(Command::UpdateRecipient {
                    recipient: r.id.to_string(),
                    change: crate::domain::RecipientChange {
                        email: Some(email.to_string()),
                        name: Some(name.trim().to_string()),
                        ..Default::default()
                    },
                })
            }
            Form::AddDelegate(r) => {
                let Some((name, email)) = text.rsplit_once(' ') else {
                    return Outcome::Invalid(Text::NeedNameEmail);
                };
                if !email.contains('@') || name.trim().is_empty() {
                    return Outcome::Invalid(Text::NeedNameEmail);
                }
                let mut delegates = r.delegates.clone();
                delegates.push(crate::domain::Delegate {
                    name: name.trim().to_string(),
                    email: email.to_string(),
                });
                command(Command::UpdateRecipient {
                    recipient: r.id.to_string(),
                    change: crate::domain::RecipientChange {
                        delegates: Some(delegates),
                        ..Default::default()
                    },
                })
            }
            Form::MarkerFilter => match marker_filter(text) {
                Some(f) => Outcome::Read(Query::Markers(f)),
                None => Outcome::Invalid(Text::TryMarkerFilter),
            },
            Form::ParcelSearch => Outcome::Read(Query::Parcels(text.to_string())),
            Form::AuditFilter => match picked(text, AUDIT_PICKS) {
                Some(0) => Outcome::Next(Form::AuditDoor),
                Some(1) => Outcome::Next(Form::AuditAction),
                Some(2) => Outcome::Next(Form::AuditActor),
                Some(_) => Outcome::Next(Form::AuditSince),
                None => match audit_filter(text) {
                    Some(filter) => audit(filter),
                    None => Outcome::Invalid(Text::TryAuditFilter),
                },
            },
            Form::AuditDoor => match text.parse::<u16>() {
                Ok(n) => audit(AuditFilter {
                    compartment: Some(CompartmentId(n)),
                    ..Default::default()
                }),
                Err(_) => Outcome::Invalid(Text::NeedDoor),
            },
            Form::AuditAction if text.is_empty() => Outcome::Invalid(Text::TryAuditFilter),
            Form::AuditAction => {
                let action = match picked(text, ACTION_PICKS) {
                    Some(i) => AUDIT_ACTIONS
                        .iter()
                        .find(|a| crate::wording::machine(a) == Some(ACTION_PICKS[i]))
                        .map_or_else(|| action_named(text), |a| a.to_string()),
                    None => action_named(text),
                };
                audit(AuditFilter {
                    action: Some(action),
                    ..Default::default()
                })
            }
            Form::AuditActor if text.is_empty() => Outcome::Invalid(Text::TryAuditFilter),
            Form::AuditActor => audit(AuditFilter {
                actor: Some(text.to_string()),
                ..Default::default()
            }),
            Form::AuditSince => match parse_date(text).and_then(|d| d.and_hms_opt(0, 0, 0)) {
                Some(from) => audit(AuditFilter {
                    from: Some(from.and_utc()),
                    ..Default::default()
                }),
                None => Outcome::Invalid(Text::NeedDate),
            },
            Form::NewUserRole(name) => {
                let role = match picked(text, ROLE_PICKS) {
                    Some(i) => Some(ROLES[i]),
                    None => text.to_lowercase().parse().ok(),
                };
                match role {
                    Some(role) => Outcome::Next(Form::NewUserPin(name.clone(), role)),
                    None => Outcome::Invalid(Text::NeedRole),
                }
            }
            Form::NewUserPin(name, role) => command(Command::AddUser {
                name: name.clone(),
                role: *role,
                pin: text.to_string(),
                badge: None,
                carrier_email: None,
            }),
            Form::CloseAccount(r) => command(Command::CloseAccount {
                recipient: r.clone(),
            }),
            Form::RemoveUser(name) => command(Command::RemoveUser { name: name.clone() }),
            Form::Return(r) => match r.submit(text, picked(text, r.reasons())) {
                Step::Next(next) => Outcome::Next(Form::Return(next)),
                Step::Command(c) => command(c),
                Step::Invalid(why) => Outcome::Invalid(why),
            },
            Form::Door => match text.parse::<u16>() {
                Ok(n) => Outcome::Read(Query::Compartment(CompartmentId(n))),
                Err(_) => Outcome::Invalid(Text::NeedDoor),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pin_is_never_shown_as_typed() {
        assert_eq!(Form::PinReset("nina".into()).shown("4321"), "****");
        let add = Form::AddUser;
        assert_eq!(add.shown("nina cour"), "nina cour");
        assert_eq!(add.shown("nina courier "), "nina courier ");
        assert_eq!(add.shown("nina courier 4321"), "nina courier ****");
        assert_eq!(add.shown("nina  courier  43"), "nina  courier  **");
        assert_eq!(Form::ParcelSearch.shown("4321"), "4321");
    }

    #[test]
    fn each_form_offers_reasons_that_fit_its_action() {
        let door = CompartmentId(3);
        let unlock = Form::UnlockReason(door, Inside::Empty).reasons();
        assert!(unlock.contains(&Text::ReasonPulseTest));
        for form in [
            Form::AckNote(1),
            Form::DisableReason(door, true),
            Form::DisableReason(door, false),
            Form::InspectNote(door, Found::Empty),
            Form::MarkerNote(None),
        ] {
            let offered = form.reasons();
            assert!(!offered.is_empty(), "{form:?}");
            assert!(
                !offered.contains(&Text::ReasonPulseTest) && !offered.contains(&Text::ReasonStuck),
                "{form:?} offers door-opening reasons"
            );
        }
        assert!(Form::ParcelSearch.reasons().is_empty());
    }

    #[test]
    fn a_manual_unlock_without_a_reason_stays_on_the_form() {
        let form = Form::UnlockReason(CompartmentId(3), Inside::Unknown);
        assert!(matches!(form.submit("  "), Outcome::Invalid(_)));
        assert!(matches!(form.submit("pulse test"), Outcome::Command(_)));
    }
}
