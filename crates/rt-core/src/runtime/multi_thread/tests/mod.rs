//! Unit tests (also run under miri) and loom models of the multi-thread scheduler.

#[cfg(rt_loom)]
mod loom_idle;
#[cfg(rt_loom)]
mod loom_queue;
#[cfg(not(rt_loom))]
mod queue;
