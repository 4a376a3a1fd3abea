//! `locker fleet`: the support console. Every kiosk of a property, online
//! or last seen, its doors and alerts, the property's recipients and their
//! parcels at any kiosk; and, with the agent's key, signed orders to a
//! kiosk (open a door, resend a code, extend a hold, acknowledge an alert,
//! vacation mode, the directory), each confirmed first in words that name
//! what it touches. Everything shown comes from the broker's retained
//! topics ([`super::watch`]); nothing here talks to a kiosk but an order.

pub mod runtime;
mod view;

use chrono::{DateTime, NaiveDate, Utc};

use super::order::{Action, Outcome};
use super::watch::SiteView;
use crate::domain::hold::EXTENSION_DAYS;
use crate::domain::text::NOTE_MAX;
use crate::domain::{CompartmentId, Language, Recipient, RecipientId};
use crate::ui::{Input, Intent, KeyHints};
use crate::wording::Text;

pub use view::page;

/// What the console was started with.
#[derive(Clone, Debug)]
pub struct SupportFacts {
    pub site: String,
    /// The agent whose key signs orders; none: the console only watches.
    pub agent: Option<String>,
    pub tz: chrono_tz::Tz,
    pub language: Language,
    pub keys: KeyHints,
}

/// An order being written: what it is about, and the words typed so far.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Draft {
    Unlock { door: CompartmentId },
    Resend { door: CompartmentId },
    Extend { door: CompartmentId },
    Acknowledge { alert: u64 },
    Vacation { recipient: String },
    NewRecipient,
    Email { recipient: String },
    Close { recipient: String },
    RemoveUser { name: String },
}

impl Draft {
    /// The prompts, one per field, in order (none: straight to confirm).
    pub fn prompts(&self) -> &'static [Text] {
        match self {
            Draft::Unlock { .. } => &[Text::SupportAskReason],
            Draft::Resend { .. } => &[],
            Draft::Extend { .. } => &[Text::SupportAskDays, Text::SupportAskReason],
            Draft::Acknowledge { .. } => &[Text::SupportAskNote],
            Draft::Vacation { .. } => &[Text::SupportAskUntil],
            Draft::NewRecipient => &[
                Text::SupportAskRecipientId,
                Text::SupportAskName,
                Text::SupportAskEmail,
            ],
            Draft::Email { .. } => &[Text::SupportAskEmail],
            Draft::Close { .. } | Draft::RemoveUser { .. } => &[],
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Screen {
    Kiosks,
    Kiosk {
        id: String,
    },
    Alerts {
        id: String,
    },
    Recipients,
    Recipient {
        id: String,
    },
    Staff,
    /// Typing field `field` of an order for kiosk `kiosk`.
    Form {
        kiosk: String,
        draft: Draft,
        values: Vec<String>,
        back: Box<Screen>,
    },
    /// The order in words, before it goes.
    Confirm {
        kiosk: String,
        draft: Draft,
        action: Action,
        back: Box<Screen>,
    },
    /// Sent; waiting for the kiosk's answer.
    Sending {
        kiosk: String,
        back: Box<Screen>,
    },
}

/// An order to send (the runtime signs it and waits for the answer).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Send {
    pub kiosk: String,
    pub action: Action,
}

/// What the console tells the agent at the foot of the screen.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Notice {
    Said(Text),
    /// The kiosk's answer: done, or why not (its engine's reason, or the
    /// kiosk's own words when the order itself was refused).
    Answer {
        kiosk: String,
        done: bool,
        said: String,
        failure: Option<crate::link::Failure>,
    },
    /// The order got no answer (the broker, or the kiosk, is away).
    NoAnswer {
        kiosk: String,
    },
}

pub struct Support {
    pub facts: SupportFacts,
    pub site: SiteView,
    pub screen: Screen,
    pub cursor: usize,
    pub notice: Option<Notice>,
    pub now: DateTime<Utc>,
    pub language: Language,
    left: bool,
}

impl Support {
    pub fn new(facts: SupportFacts, now: DateTime<Utc>) -> Support {
        Support {
            language: facts.language,
            facts,
            site: SiteView::default(),
            screen: Screen::Kiosks,
            cursor: 0,
            notice: None,
            now,
            left: false,
        }
    }

    pub fn has_left(&self) -> bool {
        self.left
    }

    /// Whether letters are being typed into a field.
    pub fn wants_text(&self) -> bool {
        matches!(self.screen, Screen::Form { .. })
    }

    /// A message from the broker.
    pub fn heard(&mut self, topic: &str, payload: &[u8]) -> bool {
        self.site.take(topic, payload)
    }

    /// The kiosk's answer to the order sent (or why none came).
    pub fn answered(&mut self, kiosk: &str, outcome: Result<Outcome, String>) {
        let back = match std::mem::replace(&mut self.screen, Screen::Kiosks) {
            Screen::Sending { back, .. } => *back,
            other => other,
        };
        self.screen = back;
        self.notice = Some(match outcome {
            Ok(o) => Notice::Answer {
                kiosk: kiosk.to_string(),
                done: o.done,
                said: o.said,
                failure: o.failure,
            },
            Err(e) => {
                tracing::warn!(%kiosk, error = %e, "an order got no answer");
                Notice::NoAnswer {
                    kiosk: kiosk.to_string(),
                }
            }
        });
    }

    /// The rows the cursor moves over on this screen.
    fn rows(&self) -> usize {
        match &self.screen {
            Screen::Kiosks => self.site.kiosks.len(),
            Screen::Kiosk { id } => self.detail_of(id).map_or(0, |d| d.doors.len()),
            Screen::Alerts { id } => self.detail_of(id).map_or(0, |d| d.alerts.len()),
            Screen::Recipients => self.site.recipients.len(),
            Screen::Staff => self.site.staff().count(),
            Screen::Recipient { id } => self.site.parcels_of(&pretty(id)).len(),
            _ => 0,
        }
    }

    fn detail_of(&self, kiosk: &str) -> Option<&super::detail::FleetDetail> {
        self.site.kiosks.get(kiosk)?.detail.as_ref()
    }

    /// One key or typed character; returns the order to send, if the agent
    /// confirmed one.
    pub fn input(&mut self, input: Input) -> Option<Send> {
        if !matches!(self.screen, Screen::Sending { .. }) {
            self.notice = None;
        }
        if let Screen::Form { .. } = self.screen {
            return self.type_in(input);
        }
        let Input::Intent(intent) = input else {
            return None;
        };
        match intent {
            Intent::Up | Intent::Pickup => self.cursor = self.cursor.saturating_sub(1),
            Intent::Down | Intent::Deposit => {
                self.cursor = (self.cursor + 1).min(self.rows().saturating_sub(1));
            }
            Intent::Language => self.language = self.language.toggle(),
            Intent::Quit => self.left = true,
            Intent::Back | Intent::Cancel => self.back(),
            Intent::Enter => return self.enter(),
            Intent::Digit(d) => self.digit(d),
            _ => {}
        }
        None
    }

    fn go(&mut self, screen: Screen) {
        self.screen = screen;
        self.cursor = 0;
    }

    fn back(&mut self) {
        let to = match &self.screen {
            Screen::Kiosks => return,
            Screen::Kiosk { .. } | Screen::Recipients | Screen::Staff => Screen::Kiosks,
            Screen::Alerts { id } => Screen::Kiosk { id: id.clone() },
            Screen::Recipient { .. } => Screen::Recipients,
            // Back where the order was started, the cursor where it was.
            Screen::Form { back, .. } | Screen::Confirm { back, .. } => {
                self.screen = (**back).clone();
                return;
            }
            Screen::Sending { .. } => return,
        };
        self.go(to);
    }

    fn enter(&mut self) -> Option<Send> {
        match self.screen.clone() {
            Screen::Kiosks => {
                if let Some(id) = self.site.kiosks.keys().nth(self.cursor) {
                    self.go(Screen::Kiosk { id: id.clone() });
                }
            }
            Screen::Kiosk { id } => {
                let door = self.detail_of(&id)?.doors.get(self.cursor)?.door;
                self.draft(&id, Draft::Unlock { door });
            }
            Screen::Alerts { id } => {
                let alert = self.detail_of(&id)?.alerts.get(self.cursor)?.id;
                self.draft(&id, Draft::Acknowledge { alert });
            }
            Screen::Recipients => {
                if let Some(id) = self.site.recipients.keys().nth(self.cursor) {
                    self.go(Screen::Recipient { id: id.clone() });
                }
            }
            Screen::Staff => {
                let name = self.site.staff().nth(self.cursor)?.name.clone();
                if let Some(kiosk) = self.any_kiosk() {
                    self.draft(&kiosk, Draft::RemoveUser { name });
                }
            }
            Screen::Confirm { kiosk, action, .. } => {
                let back = Box::new(self.back_of_confirm());
                self.screen = Screen::Sending {
                    kiosk: kiosk.clone(),
                    back,
                };
                return Some(Send { kiosk, action });
            }
            _ => {}
        }
        None
    }

    fn back_of_confirm(&self) -> Screen {
        match &self.screen {
            Screen::Confirm { back, .. } => (**back).clone(),
            other => other.clone(),
        }
    }

    fn digit(&mut self, d: u8) {
        match (self.screen.clone(), d) {
            (Screen::Kiosks, 1) => self.go(Screen::Recipients),
            (Screen::Kiosks, 2) => self.go(Screen::Staff),
            (Screen::Kiosk { id }, 2 | 3) => {
                let Some(door) = self.detail_of(&id).and_then(|det| {
                    det.doors
                        .get(self.cursor)
                        .filter(|door| door.parcel.is_some())
                        .map(|door| door.door)
                }) else {
                    self.notice = Some(Notice::Said(Text::SupportNoParcelThere));
                    return;
                };
                let draft = if d == 2 {
                    Draft::Resend { door }
                } else {
                    Draft::Extend { door }
                };
                self.draft(&id, draft);
            }
            (Screen::Kiosk { id }, 4) => self.go(Screen::Alerts { id }),
            (Screen::Recipients, 6) => {
                if let Some(kiosk) = self.any_kiosk() {
                    self.draft(&kiosk, Draft::NewRecipient);
                }
            }
            (Screen::Recipient { id }, 2 | 3) => {
                let Some((kiosk, door)) = self
                    .site
                    .parcels_of(&pretty(&id))
                    .into_iter()
                    .nth(self.cursor)
                else {
                    self.notice = Some(Notice::Said(Text::SupportNoParcelThere));
                    return;
                };
                let draft = if d == 2 {
                    Draft::Resend { door: door.door }
                } else {
                    Draft::Extend { door: door.door }
                };
                self.draft(&kiosk, draft);
            }
            (Screen::Recipient { id }, 5..=7) => {
                if let Some(kiosk) = self.any_kiosk() {
                    let draft = match d {
                        5 => Draft::Vacation { recipient: id },
                        6 => Draft::Email { recipient: id },
                        _ => Draft::Close { recipient: id },
                    };
                    self.draft(&kiosk, draft);
                }
            }
            _ => {}
        }
    }

    /// The kiosk a directory order goes to: any online one (the change
    /// reaches the others from it).
    fn any_kiosk(&mut self) -> Option<String> {
        let k = self
            .site
            .kiosks
            .iter()
            .find(|(_, k)| k.online == Some(true))
            .map(|(id, _)| id.clone());
        if k.is_none() {
            self.notice = Some(Notice::Said(Text::SupportNoKioskOnline));
        }
        k
    }

    /// Starts an order: its fields, or straight to confirming it.
    fn draft(&mut self, kiosk: &str, draft: Draft) {
        if self.facts.agent.is_none() {
            self.notice = Some(Notice::Said(Text::SupportReadOnly));
            return;
        }
        let back = Box::new(self.screen.clone());
        self.screen = Screen::Form {
            kiosk: kiosk.to_string(),
            draft,
            values: vec![String::new()],
            back,
        };
        self.next_field();
    }

    fn type_in(&mut self, input: Input) -> Option<Send> {
        let Screen::Form { values, .. } = &mut self.screen else {
            return None;
        };
        let value = values.last_mut()?;
        match input {
            Input::Typed(c) if value.chars().count() < NOTE_MAX => value.push(c),
            Input::Intent(Intent::Digit(d)) => value.push(char::from(b'0' + d)),
            Input::Intent(Intent::Back) if !value.is_empty() => {
                value.pop();
            }
            Input::Intent(Intent::Back | Intent::Cancel) => self.back(),
            Input::Intent(Intent::Enter) => {
                values.push(String::new());
                self.next_field();
            }
            _ => {}
        }
        None
    }

    /// After a field is entered: the next one, or the order to confirm.
    fn next_field(&mut self) {
        let Screen::Form {
            kiosk,
            draft,
            values,
            back,
        } = self.screen.clone()
        else {
            return;
        };
        let prompts = draft.prompts();
        let entered = values.len() - 1;
        // The field just entered is checked at once, and typed again when
        // wrong.
        let checked = match entered.checked_sub(1) {
            Some(i) => check_field(prompts[i], &values[i]),
            None => Ok(()),
        };
        if entered < prompts.len() && checked.is_ok() {
            return;
        }
        let made = checked.and_then(|()| self.action(&kiosk, &draft, &values[..prompts.len()]));
        match made {
            Ok(action) => {
                self.screen = Screen::Confirm {
                    kiosk,
                    draft,
                    action,
                    back,
                };
            }
            Err(why) => {
                // The field at fault is typed again.
                self.notice = Some(Notice::Said(why));
                let mut values = values;
                values.pop();
                if let Some(v) = values.last_mut() {
                    v.clear();
                }
                self.screen = Screen::Form {
                    kiosk,
                    draft,
                    values,
                    back,
                };
            }
        }
    }

    /// The order the typed fields make, or why they make none.
    fn action(&self, kiosk: &str, draft: &Draft, typed: &[String]) -> Result<Action, Text> {
        let text = |i: usize| {
            typed
                .get(i)
                .map(|s| s.trim().to_string())
                .unwrap_or_default()
        };
        let parcel_in = |door: &CompartmentId| {
            self.detail_of(kiosk)
                .and_then(|d| d.doors.iter().find(|x| x.door == *door))
                .and_then(|x| x.parcel.as_ref())
                .map(|p| p.id)
                .ok_or(Text::SupportNoParcelThere)
        };
        let said = |t: String| {
            if t.is_empty() {
                Err(Text::SupportSayWhy)
            } else {
                Ok(t)
            }
        };
        Ok(match draft {
            Draft::Unlock { door } => Action::Unlock {
                door: *door,
                reason: said(text(0))?,
            },
            Draft::Resend { door } => Action::Resend {
                parcel: parcel_in(door)?,
            },
            Draft::Extend { door } => Action::Extend {
                parcel: parcel_in(door)?,
                // In range: checked as it was entered.
                days: text(0).parse().map_err(|_| Text::SupportBadDays)?,
                reason: said(text(1))?,
            },
            Draft::Acknowledge { alert } => Action::Acknowledge {
                alert: *alert,
                note: said(text(0))?,
            },
            Draft::Vacation { recipient } => Action::Vacation {
                recipient: recipient.clone(),
                until: match text(0).as_str() {
                    "" => None,
                    t => Some(
                        NaiveDate::parse_from_str(t, "%Y-%m-%d")
                            .map_err(|_| Text::SupportBadDate)?,
                    ),
                },
            },
            Draft::NewRecipient => {
                let id = RecipientId::parse(&text(0)).map_err(|_| Text::SupportBadRecipientId)?;
                let r = Recipient::new(id, &text(1), &text(2));
                r.validate().map_err(|_| Text::SupportBadRecipient)?;
                Action::SaveRecipient { recipient: r }
            }
            Draft::Email { recipient } => {
                let mut r = self
                    .site
                    .recipient(recipient)
                    .cloned()
                    .ok_or(Text::SupportBadRecipientId)?;
                r.email = text(0);
                r.validate().map_err(|_| Text::SupportBadRecipient)?;
                Action::SaveRecipient { recipient: r }
            }
            Draft::Close { recipient } => Action::CloseAccount {
                recipient: recipient.clone(),
            },
            Draft::RemoveUser { name } => Action::RemoveUser { name: name.clone() },
        })
    }
}

/// One typed field, as its prompt asks for it.
fn check_field(prompt: Text, value: &str) -> Result<(), Text> {
    let value = value.trim();
    let ok = match prompt {
        Text::SupportAskDays => value.parse().is_ok_and(|d| EXTENSION_DAYS.contains(&d)),
        Text::SupportAskUntil => {
            value.is_empty() || NaiveDate::parse_from_str(value, "%Y-%m-%d").is_ok()
        }
        Text::SupportAskRecipientId => RecipientId::parse(value).is_ok(),
        Text::SupportAskEmail => crate::domain::text::check_email("e-mail", value).is_ok(),
        _ => !value.is_empty(),
    };
    match (ok, prompt) {
        (true, _) => Ok(()),
        (false, Text::SupportAskDays) => Err(Text::SupportBadDays),
        (false, Text::SupportAskUntil) => Err(Text::SupportBadDate),
        (false, Text::SupportAskRecipientId) => Err(Text::SupportBadRecipientId),
        (false, Text::SupportAskEmail | Text::SupportAskName) => Err(Text::SupportBadRecipient),
        (false, _) => Err(Text::SupportSayWhy),
    }
}

/// A recipient's digits as parcels name them (`PX-…`).
fn pretty(digits: &str) -> String {
    RecipientId::parse(digits).map_or_else(|_| digits.to_string(), |r| r.to_string())
}

#[cfg(test)]
mod tests;
