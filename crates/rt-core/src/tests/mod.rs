//! Unit and model tests of the core's lock-free parts.
