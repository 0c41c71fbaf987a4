//! The future of [`StreamExt::collect`](crate::StreamExt::collect), and [`FromStream`], the
//! sealed trait of the collections it can build.

use std::fmt;
use std::future::Future;
use std::marker::PhantomPinned;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use futures_core::Stream;

use self::sealed::{FromStreamPriv, Internal};

/// Future for [`StreamExt::collect`](crate::StreamExt::collect): every item of a stream,
/// gathered into a `U`.
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct Collect<T, U>
where
    T: Stream,
    U: FromStream<T::Item>,
{
    // P1 (stream_ext.rs): structurally pinned.
    stream: T,
    // Plain data; `None` once the output was returned.
    collection: Option<U::InternalCollection>,
    // `!Unpin` whatever `T` is, as in `tokio-stream`, so it may later hold a pinned value.
    _pin: PhantomPinned,
}

/// A collection [`StreamExt::collect`](crate::StreamExt::collect) can build from a stream
/// of `T`.
///
/// Implemented for `()`, `Vec<T>`, `Box<[T]>`, `String` (from any `T: AsRef<str>`), and
/// `Result<U, E>` from a stream of `Result<T, E>` where `U: FromStream<T>` (the first error
/// ends the collection and is returned). The trait is sealed: its methods are this crate's
/// business and it cannot be implemented outside it.
pub trait FromStream<T>: FromStreamPriv<T> {}

/// The sealed half of [`FromStream`]: how a collection is started, grown and finished.
pub(crate) mod sealed {
    /// A token only this crate can make, so only this crate can call the methods below.
    #[derive(Debug)]
    pub struct Internal;

    /// The methods of [`FromStream`](super::FromStream), out of users' reach.
    pub trait FromStreamPriv<T> {
        /// What is built while items arrive.
        type InternalCollection;

        /// Starts a collection for a stream with this size hint.
        fn initialize(_: Internal, lower: usize, upper: Option<usize>) -> Self::InternalCollection;

        /// Adds an item; `false` means the collection is complete (an error was seen).
        fn extend(_: Internal, collection: &mut Self::InternalCollection, item: T) -> bool;

        /// Turns the finished collection into the output.
        fn finalize(_: Internal, collection: Self::InternalCollection) -> Self;
    }
}

impl FromStream<()> for () {}

impl FromStreamPriv<()> for () {
    type InternalCollection = ();

    fn initialize(_: Internal, _: usize, _: Option<usize>) {}

    fn extend(_: Internal, _: &mut (), _: ()) -> bool {
        true
    }

    fn finalize(_: Internal, _: ()) {}
}

impl<T> FromStream<T> for Vec<T> {}

impl<T> FromStreamPriv<T> for Vec<T> {
    type InternalCollection = Vec<T>;

    fn initialize(_: Internal, lower: usize, _: Option<usize>) -> Vec<T> {
        Vec::with_capacity(lower)
    }

    fn extend(_: Internal, collection: &mut Vec<T>, item: T) -> bool {
        collection.push(item);
        true
    }

    fn finalize(_: Internal, collection: Vec<T>) -> Vec<T> {
        collection
    }
}

impl<T> FromStream<T> for Box<[T]> {}

impl<T> FromStreamPriv<T> for Box<[T]> {
    type InternalCollection = Vec<T>;

    fn initialize(_: Internal, lower: usize, upper: Option<usize>) -> Vec<T> {
        <Vec<T> as FromStreamPriv<T>>::initialize(Internal, lower, upper)
    }

    fn extend(_: Internal, collection: &mut Vec<T>, item: T) -> bool {
        <Vec<T> as FromStreamPriv<T>>::extend(Internal, collection, item)
    }

    fn finalize(_: Internal, collection: Vec<T>) -> Box<[T]> {
        collection.into_boxed_slice()
    }
}

impl<T: AsRef<str>> FromStream<T> for String {}

impl<T: AsRef<str>> FromStreamPriv<T> for String {
    type InternalCollection = String;

    fn initialize(_: Internal, _: usize, _: Option<usize>) -> String {
        String::new()
    }

    fn extend(_: Internal, collection: &mut String, item: T) -> bool {
        collection.push_str(item.as_ref());
        true
    }

    fn finalize(_: Internal, collection: String) -> String {
        collection
    }
}

impl<T, U: FromStream<T>, E> FromStream<Result<T, E>> for Result<U, E> {}

impl<T, U: FromStream<T>, E> FromStreamPriv<Result<T, E>> for Result<U, E> {
    type InternalCollection = Result<U::InternalCollection, E>;

    fn initialize(_: Internal, lower: usize, upper: Option<usize>) -> Self::InternalCollection {
        Ok(U::initialize(Internal, lower, upper))
    }

    fn extend(_: Internal, collection: &mut Self::InternalCollection, item: Result<T, E>) -> bool {
        match (collection.as_mut(), item) {
            (Ok(inner), Ok(item)) => U::extend(Internal, inner, item),
            (Ok(_), Err(err)) => {
                *collection = Err(err);
                false
            }
            // `extend` returned `false` when the error was stored, so no item follows it.
            (Err(_), _) => false,
        }
    }

    fn finalize(_: Internal, collection: Self::InternalCollection) -> Self {
        collection.map(|inner| U::finalize(Internal, inner))
    }
}

impl<T, U> Collect<T, U>
where
    T: Stream,
    U: FromStream<T::Item>,
{
    pub(super) fn new(stream: T) -> Self {
        let (lower, upper) = stream.size_hint();
        Collect {
            stream,
            collection: Some(U::initialize(Internal, lower, upper)),
            _pin: PhantomPinned,
        }
    }

    /// Splits a pinned `Collect` into its pinned stream and its collection.
    fn project(self: Pin<&mut Self>) -> (Pin<&mut T>, &mut Option<U::InternalCollection>) {
        // SAFETY: P1 (stream_ext.rs): `stream` is only handed out pinned and never moved;
        // `collection` is never pinned.
        let me = unsafe { self.get_unchecked_mut() };
        // SAFETY: `me.stream` lives inside the pinned `Collect`, so it never moves either.
        let stream = unsafe { Pin::new_unchecked(&mut me.stream) };
        (stream, &mut me.collection)
    }
}

impl<T, U> Future for Collect<T, U>
where
    T: Stream,
    U: FromStream<T::Item>,
{
    type Output = U;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<U> {
        let (mut stream, collection) = self.project();
        assert!(collection.is_some(), "`Collect` polled after completion");
        loop {
            let item = ready!(stream.as_mut().poll_next(cx));
            let done = match (collection.as_mut(), item) {
                (Some(building), Some(item)) => !U::extend(Internal, building, item),
                _ => true,
            };
            if done {
                let built = collection.take().expect("checked on entry");
                return Poll::Ready(U::finalize(Internal, built));
            }
        }
    }
}

impl<T, U> fmt::Debug for Collect<T, U>
where
    T: Stream + fmt::Debug,
    U: FromStream<T::Item>,
{
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Collect")
            .field("stream", &self.stream)
            .finish_non_exhaustive()
    }
}
