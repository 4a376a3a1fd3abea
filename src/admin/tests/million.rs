//! The audit viewer on a million entries.
