//! loom models of the multi-thread scheduler's lock-free parts.

mod loom_idle;
mod loom_queue;
