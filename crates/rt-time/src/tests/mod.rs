// The wheel against a reference model, on synthetic ticks.
#[cfg(not(rt_loom))]
mod wheel_prop;

// Loom models of the shard and park protocols (`--cfg rt_loom`).
#[cfg(rt_loom)]
mod loom_time;

// The futures are Send and Sync where Tokio's are, and Sleep is !Unpin like Tokio's.
#[cfg(not(rt_loom))]
mod auto_traits {
    fn send_sync<T: Send + Sync>() {}

    #[test]
    fn futures_are_send_and_sync() {
        send_sync::<crate::Sleep>();
        send_sync::<crate::Interval>();
        send_sync::<crate::Timeout<std::future::Ready<()>>>();
        send_sync::<crate::Instant>();
        send_sync::<crate::error::Elapsed>();
    }
}
