//! Returns at the keypad: dropped off from the help screen with a code or
//! a prepaid label, collected by a courier from the staff menu.

use super::{kiosk, snap_sizes};
use crate::domain::{CompartmentId, Size};
use crate::engine::NewReturn;
use crate::kiosk::Screen;
use crate::kiosk::model::WaitingReturn;
use crate::testkit::driver::{ANA, COURIER, Driver};

fn for_ana(size: Size) -> NewReturn {
    NewReturn {
        size,
        reference: "order 77".into(),
        recipient: Some(ANA.into()),
        email: None,
        language: None,
        label: None,
    }
}

/// A return dropped off through the screens; its door.
fn drop_off(d: &mut Driver, code: &str) -> CompartmentId {
    d.press(&format!("C2{code}#"));
    let door = d.door_on_screen().expect("a door for the return");
    d.open_door(door);
    d.close_door(door, true);
    assert!(
        matches!(d.screen(), Screen::ReturnDropped { .. }),
        "{:?}",
        d.screen()
    );
    d.press("#");
    door
}

#[test]
fn from_help_a_return_code_opens_a_door_and_the_receipt_follows_the_close() {
    let (mut d, _dir) = kiosk();
    let code = d.issued_return(for_ana(Size::M)).unwrap().unwrap();
    assert!(d.screen_text().contains("returns"), "home offers returns");
    d.press("C");
    assert!(d.screen_text().contains("Returning a parcel? Press 2."));
    d.press("2");
    d.press(&code[..3]);
    assert_eq!(
        *d.screen(),
        Screen::ReturnCode {
            typed: code[..3].to_string()
        }
    );
    // Only the count of digits shows.
    assert!(!d.screen_text().contains(&code[..3]));
    snap_sizes!("kiosk_return_code", d.page());
    d.press(&code[3..]);
    d.press("#");
    let door = d.door_on_screen().expect("a door");
    assert!(matches!(d.screen(), Screen::ReturnDoor { .. }));
    d.open_door(door);
    snap_sizes!("kiosk_return_door", d.page());
    d.close_door(door, true);
    let Screen::ReturnDropped { receipt, .. } = d.screen().clone() else {
        panic!("{:?}", d.screen())
    };
    assert!(d.screen_text().contains(&receipt));
    snap_sizes!("kiosk_return_dropped", d.page());
    d.press("#");
    assert_eq!(*d.screen(), Screen::Home);
}

#[test]
fn a_wrong_return_code_is_said_on_the_same_screen_with_the_tries_left() {
    let (mut d, _dir) = kiosk();
    d.press("C212345678#");
    assert_eq!(
        *d.screen(),
        Screen::ReturnCode {
            typed: String::new()
        }
    );
    let text = d.screen_text();
    assert!(text.contains("That return code is not known"), "{text}");
    assert!(text.contains("4 tries left"), "{text}");
    snap_sizes!("kiosk_return_code_unknown", d.page());
    // `*` on an empty field goes back to help.
    d.press("*");
    assert_eq!(*d.screen(), Screen::Help);
}

#[test]
fn a_drop_given_up_asks_to_empty_and_close_the_door_and_the_code_still_works() {
    let (mut d, _dir) = kiosk();
    let code = d.issued_return(for_ana(Size::S)).unwrap().unwrap();
    d.press(&format!("C2{code}#"));
    let door = d.door_on_screen().unwrap();
    d.open_door(door);
    d.press("*");
    assert_eq!(*d.screen(), Screen::ReturnNotDropped { door });
    // No way home while the door stands open.
    d.press("#");
    assert_eq!(*d.screen(), Screen::ReturnNotDropped { door });
    snap_sizes!("kiosk_return_not_dropped", d.page());
    d.close_door(door, false);
    d.press("#");
    assert_eq!(*d.screen(), Screen::Home);
    drop_off(&mut d, &code);
}

#[test]
fn a_scanned_prepaid_label_opens_its_door() {
    let (mut d, _dir) = kiosk();
    let mut ret = for_ana(Size::L);
    ret.label = Some("EE123456785US".into());
    assert_eq!(d.issued_return(ret).unwrap(), None);
    d.press("C2");
    d.scan("EE123456785US");
    assert!(
        matches!(d.screen(), Screen::ReturnDoor { .. }),
        "{:?}",
        d.screen()
    );
}

#[test]
fn a_courier_collects_the_waiting_returns_door_by_door() {
    let (mut d, _dir) = kiosk();
    let first = d.issued_return(for_ana(Size::S)).unwrap().unwrap();
    let second = d.issued_return(for_ana(Size::S)).unwrap().unwrap();
    let door1 = drop_off(&mut d, &first);
    let door2 = drop_off(&mut d, &second);
    d.press(&format!("B{}#{}#", COURIER.0, COURIER.1));
    assert!(d.screen_text().contains("2  Returns to collect"));
    d.press("2");
    let Screen::Returns { list, .. } = d.screen().clone() else {
        panic!("{:?}", d.screen())
    };
    assert_eq!(
        list.iter()
            .map(|r: &WaitingReturn| r.door)
            .collect::<Vec<_>>(),
        [door1, door2]
    );
    snap_sizes!("kiosk_returns_walk", d.page());
    d.press("#");
    assert_eq!(d.door_on_screen(), Some(door1));
    d.open_door(door1);
    snap_sizes!("kiosk_returns_open", d.page());
    d.close_door(door1, false);
    // The second door has no item sensor that can tell: the courier says.
    d.press("#");
    assert_eq!(d.door_on_screen(), Some(door2));
    d.open_door(door2);
    let lock = d.lock(door2).unwrap();
    d.bus.forget_item(lock);
    d.shut(door2);
    assert!(matches!(
        d.screen(),
        Screen::Returns {
            asking: Some(_),
            ..
        }
    ));
    snap_sizes!("kiosk_returns_taken", d.page());
    d.press("#");
    let text = d.screen_text();
    assert!(text.contains("All returns are collected."), "{text}");
    assert!(text.contains("Collected so far: 2"), "{text}");
    snap_sizes!("kiosk_returns_done", d.page());
    d.press("*");
    assert_eq!(*d.screen(), Screen::StaffMenu);
}
