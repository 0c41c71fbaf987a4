//! The streams [`StreamExt`](crate::StreamExt)'s adapter methods return, by name, for
//! users who store them in fields or name them in signatures.
//!
//! The futures of the methods that return one (`next`, `collect`, `fold`, ...) are not
//! nameable, as in `tokio-stream`: await them where they are made.

pub use crate::stream_ext::{
    Chain, Filter, FilterMap, Fuse, Map, MapWhile, Merge, Peekable, Skip, SkipWhile, Take,
    TakeWhile, Then,
};
#[cfg(feature = "time")]
pub use crate::stream_ext::{ChunksTimeout, Throttle, Timeout, TimeoutRepeating};
