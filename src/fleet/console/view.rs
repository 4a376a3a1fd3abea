//! The support console's screens, as pages for [`crate::ui::page`].

use chrono::{DateTime, Utc};

use super::{Draft, Notice, Screen, Support, pretty};
use crate::fleet::detail::{DoorBrief, FleetDetail};
use crate::fleet::order::Action;
use crate::fleet::watch::KioskView;
use crate::ui::page::{Column, Page, Part};
use crate::wording::{Text, fill, machine, reword, tr};

impl Support {
    fn t(&self, id: Text) -> &'static str {
        tr(self.language, id)
    }

    fn f(&self, id: Text, args: &[(&str, &dyn std::fmt::Display)]) -> String {
        fill(self.language, id, args)
    }

    /// A prompt or a notice, with the domain's limits it names (`{min}`,
    /// `{max}`: the days a hold may be extended by).
    fn limited(&self, id: Text) -> String {
        let days = crate::domain::hold::EXTENSION_DAYS;
        self.f(id, &[("min", days.start()), ("max", days.end())])
    }

    /// A machine name (a door's state, an alert's kind) in words.
    fn named(&self, space: &str, name: &str) -> String {
        machine(&format!("{space}{name}"))
            .map_or_else(|| name.to_string(), |id| self.t(id).to_string())
    }

    fn local(&self, at: DateTime<Utc>) -> String {
        at.with_timezone(&self.facts.tz)
            .format("%d/%m %H:%M")
            .to_string()
    }

    fn presence(&self, k: &KioskView) -> String {
        match (k.online, k.last_seen()) {
            (Some(true), _) => self.t(Text::SupportOnline).to_string(),
            (_, Some(at)) => self.f(Text::SupportLastSeen, &[("at", &self.local(at))]),
            (_, None) => self.t(Text::SupportNotHeard).to_string(),
        }
    }

    fn table(&self, page: &mut Page, columns: &[(Text, i8, u8)], rows: Vec<Vec<String>>) {
        if rows.is_empty() {
            page.words(format!("  {}", self.t(Text::ListNone)));
            return;
        }
        page.parts.push(Part::Table {
            columns: columns
                .iter()
                .map(|&(id, w, rank)| Column::new(self.t(id), w, rank))
                .collect(),
            rows,
            cursor: Some(self.cursor),
        });
    }

    fn kiosks(&self, page: &mut Page) {
        page.heading(self.t(Text::SupportKiosks));
        if self.site.kiosks.is_empty() {
            page.words(self.f(Text::SupportNoKiosks, &[("site", &self.facts.site)]));
            return;
        }
        let rows = self
            .site
            .kiosks
            .iter()
            .map(|(id, k)| {
                let count = |s: &str| {
                    k.state
                        .as_ref()
                        .and_then(|st| st.doors.get(s))
                        .map_or("-".to_string(), ToString::to_string)
                };
                vec![
                    id.clone(),
                    self.presence(k),
                    count("free"),
                    count("occupied"),
                    count("faulty"),
                    k.state
                        .as_ref()
                        .map_or("-".into(), |s| s.open_alerts.to_string()),
                ]
            })
            .collect();
        self.table(
            page,
            &[
                (Text::SupportColKiosk, 6, 9),
                (Text::SupportColState, 0, 8),
                (Text::SupportColFree, -6, 5),
                (Text::SupportColOccupied, -9, 6),
                (Text::SupportColFaulty, -8, 3),
                (Text::SupportColAlerts, -7, 7),
            ],
            rows,
        );
    }

    fn doors(&self, page: &mut Page, id: &str) {
        let k = self.site.kiosks.get(id).cloned().unwrap_or_default();
        page.heading(self.f(
            Text::SupportKioskHeading,
            &[("kiosk", &id), ("presence", &self.presence(&k))],
        ));
        let Some(detail) = &k.detail else {
            page.words(self.t(Text::SupportNoDetail));
            return;
        };
        if !detail.alerts.is_empty() {
            page.words(self.f(Text::SupportOpenAlerts, &[("count", &detail.alerts.len())]));
        }
        let rows = detail
            .doors
            .iter()
            .map(|d| {
                let (parcel, recipient, until) = match &d.parcel {
                    Some(p) => (
                        p.id.to_string(),
                        self.recipient_words(&p.recipient),
                        p.deadline.map(|at| self.local(at)).unwrap_or_default(),
                    ),
                    None => Default::default(),
                };
                vec![
                    d.door.to_string(),
                    d.size.to_string(),
                    self.named("compartment.", d.state.as_str()),
                    parcel,
                    recipient,
                    until,
                ]
            })
            .collect();
        self.table(
            page,
            &[
                (Text::SupportColDoor, -4, 9),
                (Text::SupportColSize, 4, 3),
                (Text::SupportColState, 0, 8),
                (Text::SupportColParcel, 7, 6),
                (Text::SupportColRecipient, 0, 7),
                (Text::SupportColUntil, 11, 4),
            ],
            rows,
        );
    }

    /// `PX-111111 Ana García`, the name from the directory when known.
    fn recipient_words(&self, recipient: &str) -> String {
        let id = crate::domain::RecipientId::parse(recipient);
        match id.ok().and_then(|id| self.site.recipient(id.digits())) {
            Some(r) if !r.name.is_empty() => format!("{recipient} {}", r.name),
            _ => recipient.to_string(),
        }
    }

    fn alerts(&self, page: &mut Page, id: &str) {
        page.heading(self.f(Text::SupportAlertsHeading, &[("kiosk", &id)]));
        let alerts = self
            .site
            .kiosks
            .get(id)
            .and_then(|k| k.detail.as_ref())
            .map(|d| d.alerts.clone())
            .unwrap_or_default();
        let rows = alerts
            .iter()
            .map(|a| {
                vec![
                    a.id.to_string(),
                    self.local(a.at),
                    a.door.map(|d| d.to_string()).unwrap_or_default(),
                    reword(self.language, &a.text),
                ]
            })
            .collect();
        self.table(
            page,
            &[
                (Text::SupportColNumber, -4, 5),
                (Text::SupportColWhen, 11, 4),
                (Text::SupportColDoor, -4, 6),
                (Text::SupportColAlert, 0, 9),
            ],
            rows,
        );
    }

    fn recipients(&self, page: &mut Page) {
        page.heading(self.t(Text::SupportRecipients));
        let rows = self
            .site
            .recipients
            .values()
            .map(|(_, r)| {
                vec![
                    r.id.to_string(),
                    if r.closed {
                        self.t(Text::SupportClosed).to_string()
                    } else {
                        r.name.clone()
                    },
                    r.vacation_until
                        .map(|d| d.format("%d/%m/%Y").to_string())
                        .unwrap_or_default(),
                    self.site.parcels_of(&r.id.to_string()).len().to_string(),
                ]
            })
            .collect();
        self.table(
            page,
            &[
                (Text::SupportColRecipient, 9, 9),
                (Text::SupportColName, 0, 8),
                (Text::SupportColVacation, 10, 5),
                (Text::SupportColParcels, -7, 7),
            ],
            rows,
        );
    }

    fn recipient(&self, page: &mut Page, digits: &str) {
        let id = pretty(digits);
        let r = self.site.recipient(digits);
        page.heading(format!("{id} {}", r.map_or("", |r| r.name.as_str())));
        if let Some(r) = r {
            page.words(r.email.clone());
            if let Some(until) = r.vacation_until {
                page.words(self.f(
                    Text::SupportOnVacation,
                    &[("until", &until.format("%d/%m/%Y"))],
                ));
            }
            page.gap();
        }
        let rows = self
            .site
            .parcels_of(&id)
            .iter()
            .map(|(kiosk, d)| {
                let p = d.parcel.as_ref();
                vec![
                    kiosk.clone(),
                    d.door.to_string(),
                    p.map(|p| p.id.to_string()).unwrap_or_default(),
                    p.and_then(|p| p.deadline)
                        .map(|at| self.local(at))
                        .unwrap_or_default(),
                ]
            })
            .collect();
        self.table(
            page,
            &[
                (Text::SupportColKiosk, 6, 9),
                (Text::SupportColDoor, -4, 8),
                (Text::SupportColParcel, 7, 7),
                (Text::SupportColUntil, 11, 5),
            ],
            rows,
        );
    }

    fn staff(&self, page: &mut Page) {
        page.heading(self.t(Text::SupportStaff));
        let rows = self
            .site
            .staff()
            .map(|u| vec![u.name.clone(), self.named("", &u.role.to_string())])
            .collect();
        self.table(
            page,
            &[(Text::SupportColName, 0, 9), (Text::SupportColRole, 0, 8)],
            rows,
        );
    }

    fn door_of(&self, kiosk: &str, door: crate::domain::CompartmentId) -> Option<&DoorBrief> {
        let d: &FleetDetail = self.site.kiosks.get(kiosk)?.detail.as_ref()?;
        d.doors.iter().find(|x| x.door == door)
    }

    /// What a door holds, in words: the parcel and its recipient, or
    /// nothing.
    fn contents(&self, kiosk: &str, door: crate::domain::CompartmentId) -> String {
        match self.door_of(kiosk, door).and_then(|d| d.parcel.as_ref()) {
            Some(p) => self.f(
                Text::SupportHolds,
                &[
                    ("parcel", &p.id),
                    ("tracking", &p.tracking),
                    ("recipient", &self.recipient_words(&p.recipient)),
                ],
            ),
            None => self.t(Text::SupportHoldsNothing).to_string(),
        }
    }

    fn form(&self, page: &mut Page, kiosk: &str, draft: &Draft, values: &[String]) {
        page.heading(self.order_title(kiosk, draft));
        for (i, prompt) in draft.prompts().iter().enumerate() {
            let Some(value) = values.get(i) else { break };
            let cursor = if i + 1 == values.len() { "_" } else { "" };
            page.words(format!("{} {value}{cursor}", self.limited(*prompt)));
        }
    }

    /// "Open door 3 of Kiosk B", "Resend the code of parcel P000007"...
    fn order_title(&self, kiosk: &str, draft: &Draft) -> String {
        let door_words = |door| self.contents(kiosk, door);
        match draft {
            Draft::Unlock { door } => format!(
                "{} {}",
                self.f(Text::SupportOpenDoor, &[("door", door), ("kiosk", &kiosk)]),
                door_words(*door)
            ),
            Draft::Resend { door } => format!(
                "{} {}",
                self.f(Text::SupportResend, &[("door", door), ("kiosk", &kiosk)]),
                door_words(*door)
            ),
            Draft::Extend { door } => format!(
                "{} {}",
                self.f(Text::SupportExtend, &[("door", door), ("kiosk", &kiosk)]),
                door_words(*door)
            ),
            Draft::Acknowledge { alert } => self.f(
                Text::SupportAcknowledge,
                &[("alert", alert), ("kiosk", &kiosk)],
            ),
            Draft::Vacation { recipient } => self.f(
                Text::SupportVacation,
                &[("recipient", &self.recipient_words(&pretty(recipient)))],
            ),
            Draft::NewRecipient => self.t(Text::SupportNewRecipient).to_string(),
            Draft::Email { recipient } => self.f(
                Text::SupportChangeEmail,
                &[("recipient", &self.recipient_words(&pretty(recipient)))],
            ),
            Draft::Close { recipient } => self.f(
                Text::SupportCloseAccount,
                &[("recipient", &self.recipient_words(&pretty(recipient)))],
            ),
            Draft::RemoveUser { name } => {
                let role = self
                    .site
                    .staff()
                    .find(|u| u.name == *name)
                    .map(|u| self.named("", &u.role.to_string()))
                    .unwrap_or_default();
                self.f(Text::SupportRemoveUser, &[("name", name), ("role", &role)])
            }
        }
    }

    fn confirm(&self, page: &mut Page, kiosk: &str, draft: &Draft, action: &Action) {
        page.heading(self.order_title(kiosk, draft));
        match action {
            Action::Unlock { reason, .. } => {
                page.words(self.f(Text::SupportReason, &[("reason", reason)]));
            }
            Action::Extend { days, reason, .. } => {
                page.words(self.f(Text::SupportByDays, &[("days", days)]));
                page.words(self.f(Text::SupportReason, &[("reason", reason)]));
            }
            Action::Acknowledge { note, .. } => {
                page.words(self.f(Text::SupportReason, &[("reason", note)]));
            }
            Action::Vacation { until, .. } => {
                page.words(match until {
                    Some(d) => self.f(Text::SupportOnVacation, &[("until", &d.format("%d/%m/%Y"))]),
                    None => self.t(Text::SupportVacationEnds).to_string(),
                });
            }
            Action::SaveRecipient { recipient } => {
                page.words(format!(
                    "{} {} <{}>",
                    recipient.id, recipient.name, recipient.email
                ));
            }
            _ => {}
        }
        page.gap();
        page.words(self.f(
            Text::SupportSignedBy,
            &[
                ("agent", &self.facts.agent.as_deref().unwrap_or("-")),
                ("kiosk", &kiosk),
            ],
        ));
    }

    fn notice_words(&self) -> Option<String> {
        Some(match self.notice.as_ref()? {
            Notice::Said(t) => self.limited(*t),
            Notice::Answer {
                kiosk, done: true, ..
            } => self.f(Text::SupportDone, &[("kiosk", kiosk)]),
            Notice::Answer {
                kiosk,
                failure: Some(failure),
                ..
            } => {
                let why = crate::admin::failure_words(self.language, failure);
                self.f(Text::SupportRefused, &[("kiosk", kiosk), ("why", &why)])
            }
            Notice::Answer { kiosk, said, .. } => self.f(
                Text::SupportOrderRefused,
                &[("kiosk", kiosk), ("said", said)],
            ),
            Notice::NoAnswer { kiosk } => self.f(Text::SupportNoAnswer, &[("kiosk", kiosk)]),
        })
    }
}

/// The screen as a page.
pub fn page(s: &Support) -> Page {
    let keys = match &s.screen {
        Screen::Kiosks => Text::SupportKeysKiosks,
        Screen::Kiosk { .. } => Text::SupportKeysKiosk,
        Screen::Alerts { .. } => Text::SupportKeysAlerts,
        Screen::Recipients => Text::SupportKeysRecipients,
        Screen::Recipient { .. } => Text::SupportKeysRecipient,
        Screen::Staff => Text::SupportKeysStaff,
        Screen::Form { .. } => Text::SupportKeysForm,
        Screen::Confirm { .. } => Text::SupportKeysConfirm,
        Screen::Sending { .. } => Text::SupportKeysSending,
    };
    let mut page = Page::with_keys(s.t(keys));
    // Leaving has a key of its own on a keyboard; on a keypad the program
    // ends as it was started.
    if s.screen == Screen::Kiosks && s.facts.keys.label("quit") != "-" {
        page.keys = format!("{}  {}", page.keys, s.t(Text::SupportKeysLeave));
    }
    page.title = s.f(Text::SupportTitle, &[("site", &s.facts.site)]);
    page.status = vec![
        s.facts
            .agent
            .clone()
            .unwrap_or_else(|| s.t(Text::SupportWatching).to_string()),
        crate::ui::clock::clock_text(s.now, s.facts.tz),
    ];
    match &s.screen {
        Screen::Kiosks => s.kiosks(&mut page),
        Screen::Kiosk { id } => s.doors(&mut page, id),
        Screen::Alerts { id } => s.alerts(&mut page, id),
        Screen::Recipients => s.recipients(&mut page),
        Screen::Recipient { id } => s.recipient(&mut page, id),
        Screen::Staff => s.staff(&mut page),
        Screen::Form {
            kiosk,
            draft,
            values,
            ..
        } => s.form(&mut page, kiosk, draft, values),
        Screen::Confirm {
            kiosk,
            draft,
            action,
            ..
        } => s.confirm(&mut page, kiosk, draft, action),
        Screen::Sending { kiosk, .. } => {
            page.words(s.f(Text::SupportSending, &[("kiosk", kiosk)]));
        }
    }
    page.notice = s.notice_words();
    page.name_keys(&s.facts.keys);
    page
}
