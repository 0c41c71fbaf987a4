/// Waits on several fallible futures concurrently, returning `Ok` with a tuple of all
/// their values once all of them succeeded, or the **first** error as soon as one fails.
///
/// Every future must return a `Result` with the same error type `E`. `try_join!(a, b)`
/// evaluates `a` and `b` (anything [`IntoFuture`]), then polls them together **on the
/// current task**, like [`join!`](crate::join!):
///
/// * once every future completed with `Ok`, it returns `Ok((a_value, b_value))`, in the
///   order the futures are written;
/// * as soon as one completes with `Err(e)`, it returns `Err(e)`: the futures that have not
///   finished are not polled again, and all of them are dropped when `try_join!` returns.
///
/// `try_join!()` is `Ok(())`. Each poll starts at a different future, in turn, for
/// fairness; with `biased;` before the futures, every poll goes in the written order.
///
/// `try_join!` needs the `macros` feature, and works in any async context. To run the
/// futures in parallel, [`spawn`](crate::spawn) them and `try_join!` the
/// [`JoinHandle`](crate::task::JoinHandle)s, mapping their `JoinError`s into `E`.
///
/// [`IntoFuture`]: std::future::IntoFuture
///
/// # Examples
///
/// ```
/// # #[rt::main(flavor = "current_thread")]
/// # async fn main() {
/// async fn parse(text: &str) -> Result<u32, std::num::ParseIntError> {
///     rt::task::yield_now().await;
///     text.parse()
/// }
///
/// let sum = match rt::try_join!(parse("1"), parse("2"), parse("3")) {
///     Ok((a, b, c)) => a + b + c,
///     Err(error) => panic!("unexpected error: {error}"),
/// };
/// assert_eq!(sum, 6);
///
/// // The first error wins; the other futures are dropped.
/// assert!(rt::try_join!(parse("1"), parse("two")).is_err());
/// # }
/// ```
///
/// With `?`, in a function that returns the same error type:
///
/// ```
/// use std::io;
///
/// async fn read_config() -> io::Result<String> {
///     Ok("verbose = true".to_owned())
/// }
///
/// async fn open_log() -> io::Result<Vec<String>> {
///     Ok(Vec::new())
/// }
///
/// async fn start() -> io::Result<()> {
///     let (config, log) = rt::try_join!(read_config(), open_log())?;
///     assert_eq!(config, "verbose = true");
///     assert!(log.is_empty());
///     Ok(())
/// }
/// # rt::runtime::Builder::new_current_thread().build().unwrap().block_on(start()).unwrap();
/// ```
///
/// # Cancel safety
///
/// Dropping a `try_join!` before it completes drops every future it holds, finished or
/// not: values that were ready are lost with them. The same happens to the other futures'
/// values when one of them fails.
#[macro_export]
macro_rules! try_join {
    // ===== The expansion, once every future has been numbered (as `join!`'s). =====
    (@ {
        biased = $biased:literal;
        ( $($underscores:tt)* ) ( $($count:tt)* )
        $( ( $($skip:tt)* ) ( $($index:tt)* ) $e:expr, )*
    }) => {{
        let mut futures = ( $(
            $crate::__private::pin!($crate::__private::try_maybe_done($e)),
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
                        match future.as_mut().poll_try(cx) {
                            $crate::__private::Poll::Pending => pending = true,
                            $crate::__private::Poll::Ready($crate::__private::Result::Ok(())) => {}
                            $crate::__private::Poll::Ready($crate::__private::Result::Err(error)) => {
                                // Stop here: the rest are dropped with `futures`.
                                return $crate::__private::Poll::Ready(
                                    $crate::__private::Result::Err(error),
                                );
                            }
                        }
                    }
                )*
            }
            if pending {
                return $crate::__private::Poll::Pending;
            }
            $crate::__private::Poll::Ready($crate::__private::Result::Ok(( $({
                let ( $($skip,)* future, .. ) = &mut futures;
                future.as_mut().take_ok()
            },)* )))
        })
        .await
    }};

    // ===== Numbering, one future at a time. =====
    (@ { biased = $b:literal; ( $($s:tt)* ) ( $($n:tt)* ) $($t:tt)* } $e:expr, $($r:tt)*) => {
        $crate::try_join!(@ { biased = $b; ($($s)* _) ($($n)* + 1) $($t)* ($($s)*) ($($n)*) $e, } $($r)*)
    };

    // ===== Entry points. =====
    (biased; $($e:expr),+ $(,)?) => {
        $crate::try_join!(@ { biased = true; () (0) } $($e,)+)
    };
    ($($e:expr),+ $(,)?) => {
        $crate::try_join!(@ { biased = false; () (0) } $($e,)+)
    };
    ($(biased;)?) => {
        async { $crate::__private::Result::<(), _>::Ok(()) }.await
    };
}
