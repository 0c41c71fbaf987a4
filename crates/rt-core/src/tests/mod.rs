//! Model tests of the core's lock-free parts (run with `cargo xtask loom`).

#[cfg(rt_loom)]
mod loom_task;
