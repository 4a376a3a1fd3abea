//! Returns at the console: issuing one step by step (its size picked from
//! a list, whom to tell, then on a keyboard a reference and a prepaid
//! label's barcode) and withdrawing one, asked first.

use crate::domain::{Language, RecipientId, ReturnId, Size};
use crate::engine::{Command, NewReturn};
use crate::wording::{Text, fill, tr};

/// Sizes a keypad picks by number, in `Size::ALL` order.
pub(super) const SIZE_PICKS: &[Text] = &[
    Text::PickSizeS,
    Text::PickSizeM,
    Text::PickSizeL,
    Text::PickSizeXL,
];

/// One question of the return forms.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ReturnForm {
    /// The door size it needs; `keyboard`: a reference and a label are
    /// asked after whom to tell (the keypad has no letters).
    Size {
        keyboard: bool,
    },
    /// A recipient ID (or, typed on a keyboard, an e-mail address), or
    /// nobody.
    Recipient {
        size: Size,
        keyboard: bool,
    },
    Reference {
        size: Size,
        who: Option<String>,
    },
    Label {
        size: Size,
        who: Option<String>,
        reference: String,
    },
    /// Withdrawing an issued return, confirmed with Enter.
    Withdraw(ReturnId),
}

/// What a return form's text becomes.
pub(super) enum Step {
    Next(ReturnForm),
    Command(Command),
    Invalid(Text),
}

impl ReturnForm {
    pub(super) fn prompt(&self, lang: Language, keypad: bool) -> String {
        let size = |s: &Size| s.as_str();
        match self {
            ReturnForm::Size { .. } => tr(lang, Text::FormReturnSize).into(),
            ReturnForm::Recipient { size: s, .. } if keypad => {
                fill(lang, Text::FormReturnRecipientKeypad, &[("size", &size(s))])
            }
            ReturnForm::Recipient { size: s, .. } => {
                fill(lang, Text::FormReturnRecipient, &[("size", &size(s))])
            }
            ReturnForm::Reference { size: s, .. } => {
                fill(lang, Text::FormReturnReference, &[("size", &size(s))])
            }
            ReturnForm::Label { size: s, .. } => {
                fill(lang, Text::FormReturnLabel, &[("size", &size(s))])
            }
            ReturnForm::Withdraw(id) => fill(lang, Text::FormWithdrawReturn, &[("id", id)]),
        }
    }

    pub(super) fn reasons(&self) -> &'static [Text] {
        match self {
            ReturnForm::Size { .. } => SIZE_PICKS,
            _ => &[],
        }
    }

    /// `picked`: which of [`Self::reasons`] the text is, if one.
    pub(super) fn submit(&self, text: &str, picked: Option<usize>) -> Step {
        match self {
            ReturnForm::Size { keyboard } => {
                let size = match picked {
                    Some(i) => Size::ALL.get(i).copied(),
                    None => text.to_ascii_uppercase().parse().ok(),
                };
                match size {
                    Some(size) => Step::Next(ReturnForm::Recipient {
                        size,
                        keyboard: *keyboard,
                    }),
                    None => Step::Invalid(Text::NeedReturnSize),
                }
            }
            ReturnForm::Recipient { size, keyboard } => {
                let who = (!text.is_empty()).then(|| text.to_string());
                let fits = match &who {
                    None => true,
                    Some(w) if w.contains('@') => *keyboard,
                    Some(w) => RecipientId::parse(w).is_ok(),
                };
                if !fits {
                    return Step::Invalid(if *keyboard {
                        Text::NeedRecipientOrEmail
                    } else {
                        Text::NeedRecipientId
                    });
                }
                if *keyboard {
                    Step::Next(ReturnForm::Reference { size: *size, who })
                } else {
                    Step::Command(issue(*size, who, String::new(), None))
                }
            }
            ReturnForm::Reference { size, who } => Step::Next(ReturnForm::Label {
                size: *size,
                who: who.clone(),
                reference: text.to_string(),
            }),
            ReturnForm::Label {
                size,
                who,
                reference,
            } => {
                let label = (!text.is_empty()).then(|| text.to_string());
                Step::Command(issue(*size, who.clone(), reference.clone(), label))
            }
            ReturnForm::Withdraw(id) => Step::Command(Command::WithdrawReturn { id: *id }),
        }
    }
}

/// The command that issues a return: `who` is a recipient ID, or an
/// e-mail address (it has an `@`).
fn issue(size: Size, who: Option<String>, reference: String, label: Option<String>) -> Command {
    let (recipient, email) = match who {
        Some(w) if w.contains('@') => (None, Some(w)),
        other => (other, None),
    };
    Command::IssueReturn {
        ret: NewReturn {
            size,
            reference,
            recipient,
            email,
            language: None,
            label,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn issued(step: Step) -> NewReturn {
        match step {
            Step::Command(Command::IssueReturn { ret }) => ret,
            _ => panic!("no return issued"),
        }
    }

    #[test]
    fn a_keypad_asks_size_and_recipient_only() {
        let Step::Next(next) = (ReturnForm::Size { keyboard: false }).submit("", Some(1)) else {
            panic!("size not taken");
        };
        assert_eq!(
            next,
            ReturnForm::Recipient {
                size: Size::M,
                keyboard: false
            }
        );
        let ret = issued(next.submit("482913", None));
        assert_eq!(ret.size, Size::M);
        assert_eq!(ret.recipient.as_deref(), Some("482913"));
        assert!(matches!(next.submit("12", None), Step::Invalid(_)));
        assert_eq!(issued(next.submit("", None)).recipient, None);
    }

    #[test]
    fn a_keyboard_also_asks_reference_and_label() {
        let size = ReturnForm::Size { keyboard: true };
        assert!(matches!(size.submit("xxl", None), Step::Invalid(_)));
        let Step::Next(who) = size.submit("xl", None) else {
            panic!("size not typed");
        };
        let Step::Next(reference) = who.submit("eve@example.org", None) else {
            panic!("no reference asked");
        };
        let Step::Next(label) = reference.submit("Order 77", None) else {
            panic!("no label asked");
        };
        let ret = issued(label.submit("EE123456785US", None));
        assert_eq!(ret.size, Size::XL);
        assert_eq!(ret.email.as_deref(), Some("eve@example.org"));
        assert_eq!(ret.recipient, None);
        assert_eq!(ret.reference, "Order 77");
        assert_eq!(ret.label.as_deref(), Some("EE123456785US"));
    }
}
