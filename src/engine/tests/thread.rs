//! The engine on its own thread, fed by bus events.

use chrono::Utc;

use super::{Rig, lock, opening};
use crate::bus::{BusEvent, DoorEvent, DoorEventKind};
use crate::domain::{CompartmentId, ParcelClass, Size};
use crate::engine::{Command, Event, SizeChoice, query, runner};

#[tokio::test]
async fn engine_thread_answers_commands_and_publishes_door_events() {
    let rig = Rig::new();
    let Rig {
        engine,
        bus,
        courier,
        dir,
        ..
    } = rig;
    let (bus_tx, bus_rx) = tokio::sync::mpsc::unbounded_channel();
    let handle = runner::EngineHandle::spawn(engine, bus_rx, std::time::Duration::ZERO);
    let mut events = handle.subscribe();
    let cmd = Command::StartDeposit {
        tracking: "TRK77".into(),
        recipient: "111111".into(),
        size: SizeChoice::Size(Size::XL),
        class: ParcelClass::Express,
    };
    let c = opening(&handle.send(courier, cmd).await.unwrap()).unwrap();
    assert_eq!(c, CompartmentId(6));
    assert_eq!(bus.pulses(), vec![lock(c)]);
    let at = Utc::now();
    bus_tx
        .send(BusEvent::Door(DoorEvent {
            lock: lock(c),
            kind: DoorEventKind::Opened,
            at,
        }))
        .unwrap();
    let first = tokio::time::timeout(std::time::Duration::from_secs(10), async {
        loop {
            match events.recv().await {
                Ok(Event::DoorOpened { compartment }) => return compartment,
                Ok(_) => continue,
                Err(e) => panic!("{e}"),
            }
        }
    })
    .await
    .unwrap();
    assert_eq!(first, c);
    let reserved = handle
        .inspect(move |e| query::live_parcels(e.store()).unwrap().len())
        .await;
    assert_eq!(reserved, Some(1));
    drop(dir);
}
