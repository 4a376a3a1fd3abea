//! Read models over the store, for screens and the command line.

use crate::domain::{Compartment, Parcel, ParcelState, Recipient, User};
use crate::store::{Alert, CctvMarker, DoorIntent, FeeRecord, Notification, Store, StoreError, T};

/// Parcels in the locker (depositing, stored, expired), via the live index.
pub fn live_parcels(store: &Store) -> Result<Vec<Parcel>, StoreError> {
    let mut out = Vec::new();
    for item in store.tree(T::Live).iter() {
        let (k, _) = item?;
        if let Some(p) = store.get::<Parcel>(T::Parcels, &k)? {
            out.push(p);
        }
    }
    Ok(out)
}

/// Every parcel ever recorded, oldest first.
pub fn all_parcels(store: &Store) -> Result<Vec<Parcel>, StoreError> {
    store.all(T::Parcels)
}

/// Expired parcels waiting for staff to take them out.
pub fn expired_parcels(store: &Store) -> Result<Vec<Parcel>, StoreError> {
    Ok(live_parcels(store)?
        .into_iter()
        .filter(|p| p.state == ParcelState::Expired)
        .collect())
}

/// Returns in compartments, waiting for a courier.
pub fn waiting_returns(store: &Store) -> Result<Vec<Parcel>, StoreError> {
    Ok(live_parcels(store)?
        .into_iter()
        .filter(|p| p.state == ParcelState::Stored && p.return_of().is_some())
        .collect())
}

/// Every return authorised, oldest first.
pub fn returns(store: &Store) -> Result<Vec<crate::domain::ReturnAuth>, StoreError> {
    store.all(T::Returns)
}

pub fn compartments(store: &Store) -> Result<Vec<Compartment>, StoreError> {
    store.all(T::Compartments)
}

pub fn users(store: &Store) -> Result<Vec<User>, StoreError> {
    store.all(T::Users)
}

pub fn recipients(store: &Store) -> Result<Vec<Recipient>, StoreError> {
    store.all(T::Recipients)
}

pub fn alerts(store: &Store) -> Result<Vec<Alert>, StoreError> {
    store.all(T::Alerts)
}

pub fn markers(store: &Store) -> Result<Vec<CctvMarker>, StoreError> {
    store.all(T::Markers)
}

/// The fee ledger, oldest first.
pub fn fees(store: &Store) -> Result<Vec<FeeRecord>, StoreError> {
    store.all(T::Fees)
}

pub fn outbox(store: &Store) -> Result<Vec<Notification>, StoreError> {
    store.all(T::Outbox)
}

pub fn intents(store: &Store) -> Result<Vec<DoorIntent>, StoreError> {
    store.all(T::Intents)
}
