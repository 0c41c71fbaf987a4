//! Unit tests of the raw task paths (also run under miri) and loom models of the
//! lock-free parts (run with `cargo xtask loom`).

#[cfg(not(rt_loom))]
mod driver;
#[cfg(rt_loom)]
mod loom_park;
#[cfg(rt_loom)]
mod loom_task;
#[cfg(not(rt_loom))]
mod task;
