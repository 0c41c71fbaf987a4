/// Waits on several futures concurrently, returning a tuple of all their outputs once
/// **all** of them have completed.
///
/// `join!(a, b, c)` evaluates `a`, `b` and `c` (anything [`IntoFuture`]), then polls the
/// futures together, **on the current task**: they run concurrently but not in parallel.
/// To run futures in parallel, [`spawn`](crate::spawn) them and join the
/// [`JoinHandle`](crate::task::JoinHandle)s.
///
/// The output is `(a_output, b_output, c_output)`, in the order the futures are written,
/// whatever order they finished in. `join!()` is `()`. Futures that return `Result` are not
/// stopped by an error: [`try_join!`](crate::try_join!) does that.
///
/// Each poll starts at a different future, in turn, so that one that uses up the task's
/// coop budget every time cannot keep the ones after it from being polled. With `biased;`
/// before the futures, every poll goes in the written order:
/// `join!(biased; a, b)`.
///
/// `join!` needs the `macros` feature, and works in any async context.
///
/// [`IntoFuture`]: std::future::IntoFuture
///
/// # Examples
///
/// ```
/// # #[rt::main(flavor = "current_thread")]
/// # async fn main() {
/// async fn fetch_name() -> &'static str {
///     rt::task::yield_now().await;
///     "ferris"
/// }
///
/// async fn fetch_age() -> u32 {
///     7
/// }
///
/// let (name, age) = rt::join!(fetch_name(), fetch_age());
/// assert_eq!((name, age), ("ferris", 7));
/// # }
/// ```
///
/// Two halves of a conversation that could not finish one after the other:
///
/// ```
/// use rt::sync::oneshot;
///
/// # #[rt::main(flavor = "current_thread")]
/// # async fn main() {
/// let (ping_tx, ping_rx) = oneshot::channel();
/// let (pong_tx, pong_rx) = oneshot::channel();
///
/// let ((), reply) = rt::join!(
///     async move {
///         ping_tx.send("ping").unwrap();
///         let pong = pong_rx.await.unwrap();
///         assert_eq!(pong, "pong");
///     },
///     async move {
///         let ping = ping_rx.await.unwrap();
///         pong_tx.send("pong").unwrap();
///         ping
///     },
/// );
/// assert_eq!(reply, "ping");
/// # }
/// ```
///
/// # Cancel safety
///
/// Dropping a `join!` before it completes drops every future it holds, finished or not:
/// outputs that were ready are lost with them.
#[macro_export]
macro_rules! join {
    // ===== The expansion, once every future has been numbered. =====
    //
    // Each future is `( _ _ ) (0 + 1 + 1) future,`: underscores to find it in the tuple,
    // and its index as an expression. `$count` is the number of futures, likewise.
    (@ {
        biased = $biased:literal;
        ( $($underscores:tt)* ) ( $($count:tt)* )
        $( ( $($skip:tt)* ) ( $($index:tt)* ) $e:expr, )*
    }) => {{
        let mut futures = ( $(
            $crate::__private::pin!($crate::__private::maybe_done($e)),
        )* );
        let mut rotation = $crate::__private::Rotation::new($($count)*, $biased);

        $crate::__private::poll_fn(move |cx| {
            let start = rotation.start();
            let mut pending = false;
            // First the futures from `start` on, then those before it.
            for wrapped in [false, true] {
                $(
                    if (($($index)*) < start) == wrapped {
                        let ( $($skip,)* future, .. ) = &mut futures;
                        if future.as_mut().poll_done(cx).is_pending() {
                            pending = true;
                        }
                    }
                )*
            }
            if pending {
                return $crate::__private::Poll::Pending;
            }
            $crate::__private::Poll::Ready(( $({
                let ( $($skip,)* future, .. ) = &mut futures;
                future.as_mut().take_output()
            },)* ))
        })
        .await
    }};

    // ===== Numbering, one future at a time. =====
    (@ { biased = $b:literal; ( $($s:tt)* ) ( $($n:tt)* ) $($t:tt)* } $e:expr, $($r:tt)*) => {
        $crate::join!(@ { biased = $b; ($($s)* _) ($($n)* + 1) $($t)* ($($s)*) ($($n)*) $e, } $($r)*)
    };

    // ===== Entry points. =====
    (biased; $($e:expr),+ $(,)?) => {
        $crate::join!(@ { biased = true; () (0) } $($e,)+)
    };
    ($($e:expr),+ $(,)?) => {
        $crate::join!(@ { biased = false; () (0) } $($e,)+)
    };
    ($(biased;)?) => {
        async {}.await
    };
}
