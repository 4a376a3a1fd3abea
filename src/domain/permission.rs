//! The permission table. The engine checks it on every command; screens only
//! hide what a role cannot do.

use serde::{Deserialize, Serialize};

use super::Role;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Permission {
    /// Put parcels in.
    Deposit,
    /// The expired-parcels removal walk.
    RemoveExpired,
    /// See parcels and compartments.
    ViewParcels,
    /// Open a door without a code (reason required).
    ManualUnlock,
    /// Disable, enable, mark inspected.
    ManageCompartments,
    /// Resend (rotate) a code, reassign, extend a hold.
    ManageParcels,
    /// Recipients: vacation, delegates, closing accounts.
    ManageRecipients,
    /// Couriers, admins and technicians.
    ManageUsers,
    ViewAudit,
    /// CCTV markers: add and export.
    Markers,
    /// Bus diagnostics and pulse tests.
    BusDiagnostics,
    AcknowledgeAlerts,
    /// See and retry the notification outbox.
    Outbox,
    /// Authorise and withdraw returns.
    IssueReturns,
    /// Open waiting returns' doors and take them.
    CollectReturns,
}

impl Permission {
    pub const ALL: [Permission; 15] = [
        Permission::Deposit,
        Permission::RemoveExpired,
        Permission::ViewParcels,
        Permission::ManualUnlock,
        Permission::ManageCompartments,
        Permission::ManageParcels,
        Permission::ManageRecipients,
        Permission::ManageUsers,
        Permission::ViewAudit,
        Permission::Markers,
        Permission::BusDiagnostics,
        Permission::AcknowledgeAlerts,
        Permission::Outbox,
        Permission::IssueReturns,
        Permission::CollectReturns,
    ];
}

/// Whether `role` may do `perm`.
///
/// | permission          | courier | admin | technician |
/// |---------------------|---------|-------|------------|
/// | deposit             | yes     | no    | no         |
/// | remove expired      | yes     | yes   | no         |
/// | view parcels        | no      | yes   | no         |
/// | manual unlock       | no      | yes   | yes        |
/// | manage compartments | no      | yes   | yes        |
/// | manage parcels      | no      | yes   | no         |
/// | manage recipients   | no      | yes   | no         |
/// | manage users        | no      | yes   | no         |
/// | view audit          | no      | yes   | yes        |
/// | markers             | no      | yes   | yes        |
/// | bus diagnostics     | no      | yes   | yes        |
/// | acknowledge alerts  | no      | yes   | yes        |
/// | outbox              | no      | yes   | no         |
/// | issue returns       | no      | yes   | no         |
/// | collect returns     | yes     | yes   | no         |
pub fn allows(role: Role, perm: Permission) -> bool {
    use Permission::*;
    match role {
        Role::Courier => matches!(perm, Deposit | RemoveExpired | CollectReturns),
        Role::Admin => perm != Deposit,
        Role::Technician => matches!(
            perm,
            ManualUnlock
                | ManageCompartments
                | ViewAudit
                | Markers
                | BusDiagnostics
                | AcknowledgeAlerts
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn courier_cannot_reach_admin_permissions() {
        for p in Permission::ALL {
            let expected = matches!(
                p,
                Permission::Deposit | Permission::RemoveExpired | Permission::CollectReturns
            );
            assert_eq!(allows(Role::Courier, p), expected, "{p:?}");
        }
    }

    #[test]
    fn technician_cannot_see_personal_data() {
        assert!(!allows(Role::Technician, Permission::ViewParcels));
        assert!(!allows(Role::Technician, Permission::ManageRecipients));
        assert!(allows(Role::Technician, Permission::ManualUnlock));
    }

    #[test]
    fn admin_does_everything_but_deposit() {
        assert!(
            Permission::ALL
                .iter()
                .all(|p| allows(Role::Admin, *p) == (*p != Permission::Deposit))
        );
    }
}
