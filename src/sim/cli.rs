//! sim cli
