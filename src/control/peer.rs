//! Who may talk to the control socket: the kiosk's own user, root, and
//! (when `control.group` is set) that group's members. The socket file's
//! mode says the same; the peer's credentials (SO_PEERCRED) are checked as
//! well, so a socket whose mode was loosened by hand still keeps others out.

use std::ffi::{CStr, CString};
use std::io;
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

/// The peer of one connection, as the kernel reports it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Peer {
    pub uid: u32,
    pub gid: u32,
    pub pid: Option<i32>,
}

impl Peer {
    /// How the audit log names the connection.
    pub fn describe(&self) -> String {
        match self.pid {
            Some(pid) => format!("socket uid {} pid {pid}", self.uid),
            None => format!("socket uid {}", self.uid),
        }
    }
}

/// Which peers are let in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PeerPolicy {
    pub owner: u32,
    pub group: Option<u32>,
}

impl PeerPolicy {
    /// This process's user, and the configured group if any.
    pub fn for_this_process(group: Option<u32>) -> Self {
        // SAFETY: getuid cannot fail.
        let owner = unsafe { libc::geteuid() };
        PeerPolicy { owner, group }
    }

    pub fn admits(&self, peer: &Peer) -> bool {
        peer.uid == self.owner
            || peer.uid == 0
            || self
                .group
                .is_some_and(|g| peer.gid == g || user_in_group(peer.uid, g))
    }
}

/// The id of a group by name, or a one-line reason.
pub fn group_id(name: &str) -> Result<u32, String> {
    let c = CString::new(name).map_err(|_| format!("group {name:?}: bad name"))?;
    let mut grp: libc::group = unsafe { std::mem::zeroed() };
    let mut buf = vec![0u8; 16 * 1024];
    let mut out: *mut libc::group = std::ptr::null_mut();
    // SAFETY: every pointer is valid for the call; buf outlives it.
    let rc = unsafe {
        libc::getgrnam_r(
            c.as_ptr(),
            &mut grp,
            buf.as_mut_ptr().cast(),
            buf.len(),
            &mut out,
        )
    };
    if rc != 0 || out.is_null() {
        return Err(format!("group {name:?} does not exist"));
    }
    Ok(grp.gr_gid)
}

/// Whether `uid` belongs to group `gid` (as primary or supplementary group).
fn user_in_group(uid: u32, gid: u32) -> bool {
    let mut pw: libc::passwd = unsafe { std::mem::zeroed() };
    let mut buf = vec![0u8; 16 * 1024];
    let mut out: *mut libc::passwd = std::ptr::null_mut();
    // SAFETY: every pointer is valid for the call; buf outlives it.
    let rc =
        unsafe { libc::getpwuid_r(uid, &mut pw, buf.as_mut_ptr().cast(), buf.len(), &mut out) };
    if rc != 0 || out.is_null() {
        return false;
    }
    if pw.pw_gid == gid {
        return true;
    }
    // SAFETY: pw_name points into buf, NUL-terminated by getpwuid_r.
    let name = unsafe { CStr::from_ptr(pw.pw_name) };
    let mut groups = vec![0 as libc::gid_t; 256];
    let mut n = groups.len() as libc::c_int;
    // SAFETY: groups has room for n entries; n is updated to the count.
    let rc = unsafe { libc::getgrouplist(name.as_ptr(), pw.pw_gid, groups.as_mut_ptr(), &mut n) };
    if rc < 0 {
        return false;
    }
    groups.truncate(usize::try_from(n).unwrap_or(0));
    groups.contains(&gid)
}

/// Gives `path` to group `gid` with `mode`.
pub fn share_with_group(path: &Path, gid: u32, mode: u32) -> io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    let c = CString::new(path.as_os_str().as_bytes())
        .map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "path with a NUL byte"))?;
    // SAFETY: c is a valid path; uid -1 leaves the owner alone.
    if unsafe { libc::chown(c.as_ptr(), u32::MAX, gid) } != 0 {
        return Err(io::Error::last_os_error());
    }
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_owner_and_root_are_let_in_and_strangers_are_not() {
        let p = PeerPolicy {
            owner: 1000,
            group: None,
        };
        let peer = |uid, gid| Peer {
            uid,
            gid,
            pid: Some(1),
        };
        assert!(p.admits(&peer(1000, 1000)));
        assert!(p.admits(&peer(0, 0)));
        assert!(
            !p.admits(&peer(1001, 1000)),
            "same group is not enough without control.group"
        );
        let with_group = PeerPolicy {
            owner: 1000,
            group: Some(4242),
        };
        assert!(
            with_group.admits(&peer(1001, 4242)),
            "primary group matches"
        );
        assert!(!with_group.admits(&peer(1001, 1001)));
    }

    #[test]
    fn unknown_groups_are_named_in_the_error() {
        let e = group_id("no-such-group-locker").unwrap_err();
        assert!(e.contains("no-such-group-locker"), "{e}");
        assert_eq!(group_id("root"), Ok(0));
    }
}
