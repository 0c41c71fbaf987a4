/// Pins values on the stack.
///
/// Calls to `async fn` return anonymous [`Future`] values that are `!Unpin`. They must be
/// pinned before they can be polled, and polling by reference (`(&mut fut).await`, or
/// `&mut fut` as a `select!` branch) needs a pinned future. `pin!` moves each named
/// value into a pinned place and shadows the name with a [`Pin<&mut T>`](std::pin::Pin)
/// to it, so the original value can no longer be moved.
///
/// Two forms are accepted: a list of existing variables, `pin!(a, b)`, and `let`
/// statements that declare and pin in one step, `pin! { let a = expr; }`.
///
/// It is [`std::pin::pin!`] written Tokio's way; unlike most of rt's macros it does not
/// need the `macros` feature.
///
/// [`Future`]: std::future::Future
///
/// # Examples
///
/// Polling a future by reference, to keep it after a first `.await` gave up on it:
///
/// ```
/// # #[rt::main(flavor = "current_thread")]
/// # async fn main() {
/// async fn answer() -> u32 {
///     42
/// }
///
/// let future = answer();
/// rt::pin!(future);
///
/// // `&mut future` is a `&mut Pin<&mut impl Future>`, itself a future.
/// assert_eq!((&mut future).await, 42);
/// # }
/// ```
///
/// Waiting on the same future across the iterations of a `select!` loop:
///
/// ```
/// use std::time::Duration;
///
/// # #[rt::main(flavor = "current_thread")]
/// # async fn main() {
/// let (tx, mut rx) = rt::sync::mpsc::channel(8);
/// rt::spawn(async move {
///     for i in 0..3 {
///         tx.send(i).await.unwrap();
///     }
/// });
///
/// let deadline = rt::time::sleep(Duration::from_secs(5));
/// rt::pin!(deadline);
///
/// let mut received = Vec::new();
/// loop {
///     rt::select! {
///         Some(value) = rx.recv() => received.push(value),
///         () = &mut deadline => break,
///         else => break,
///     }
/// }
/// assert_eq!(received, [0, 1, 2]);
/// # }
/// ```
///
/// Declaring and pinning at once:
///
/// ```
/// # #[rt::main(flavor = "current_thread")]
/// # async fn main() {
/// rt::pin! {
///     let first = async { 1 };
///     let second = async { 2 };
/// }
/// assert_eq!((&mut first).await + (&mut second).await, 3);
/// # }
/// ```
#[macro_export]
macro_rules! pin {
    ($($x:ident),* $(,)?) => { $(
        // Move the value into a pinned temporary that lives as long as the enclosing
        // block, and shadow the name so the unpinned value cannot be reached again.
        #[allow(unused_mut)]
        let mut $x = $crate::__private::pin!($x);
    )* };
    ($(
        let $x:ident = $init:expr;
    )*) => { $(
        let $x = $init;
        $crate::pin!($x);
    )* };
    ($($other:tt)*) => {
        $crate::__private::compile_error!(
            "`pin!` takes variable names, `pin!(a, b)`, or `let` statements, \
             `pin! { let a = expr; }`; to pin the value of an expression, use the `let` form"
        )
    };
}
