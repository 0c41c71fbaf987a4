/// Waits on several concurrent branches, returning when the **first** branch completes and
/// cancelling the others.
///
/// `select!` takes one or more branches of this form:
///
/// ```text
/// <pattern> = <async expression> (, if <precondition>)? => <handler>,
/// ```
///
/// and an optional `else => <expression>` at the end. A branch may also start the macro
/// with `biased;` (see [Fairness](#fairness)).
///
/// Each `<async expression>` is a future (anything [`IntoFuture`]). The macro runs them
/// concurrently **on the current task**: it does not spawn. When one of them completes
/// and its output matches `<pattern>`, the other futures are dropped and `<handler>` runs
/// with the pattern's bindings; its value is the value of the whole `select!`.
///
/// In detail, one call of `select!`:
///
/// 1. Evaluates every `<precondition>`. A branch whose precondition is `false` is
///    *disabled* for the rest of this call: its `<async expression>` is still evaluated,
///    but the resulting future is never polled (as Tokio's).
/// 2. Evaluates the `<async expression>` of every branch, in order, and pins the futures
///    on the stack. If every branch is disabled, goes to step 6.
/// 3. Polls the futures of the enabled branches, starting at a random branch (or at the
///    first one with `biased;`). If none is ready, the task waits until one of them wakes
///    it and polls again from step 3.
/// 4. When a future completes, its branch is disabled and its output is matched against
///    `<pattern>`. If it does not match, the output is dropped and the remaining branches
///    go on (back to step 3); if every branch is now disabled, goes to step 6.
/// 5. If it matches, drops all the futures, then evaluates `<handler>` with the pattern's
///    bindings and returns its value.
/// 6. With every branch disabled, evaluates the `else` expression and returns its value;
///    without an `else` branch, panics.
///
/// A handler is written in the function that uses `select!`, not in a closure: `?`,
/// `return`, `break` and `continue` in a handler act on that function or its loop. A
/// handler may be a block (then the comma after it is optional) or an expression.
///
/// A `select!` takes at most 64 branches. A future that `select!` should not consume can
/// be given by reference (`&mut future`) after [pinning it](crate::pin!), so a later
/// iteration of a loop keeps waiting on the same future.
///
/// `select!` needs the `macros` feature. It does not need a runtime of rt: it works in any
/// async context. When it runs in an rt task it takes part in cooperative scheduling:
/// when the task has used up its coop budget (see `task::consume_budget`), it returns
/// `Pending` without polling its branches, and the task yields.
///
/// [`IntoFuture`]: std::future::IntoFuture
///
/// # Fairness
///
/// By default, each poll of `select!` starts at a random branch, with a fast generator
/// local to the thread, so that a branch that is always ready cannot starve the others:
/// two branches that are always ready each win about half the time.
///
/// With `biased;` as the first line, the branches are polled in the order they are
/// written, every time. This saves the random number, and lets the order express
/// priorities (a shutdown signal before work, say). It is then up to the program to make
/// sure the first branches are not always ready.
///
/// # Examples
///
/// The first of two computations to finish:
///
/// ```
/// # #[rt::main(flavor = "current_thread")]
/// # async fn main() {
/// async fn do_stuff_async() -> &'static str {
///     "stuff"
/// }
///
/// async fn more_async_work() -> &'static str {
///     std::future::pending().await
/// }
///
/// let winner = rt::select! {
///     value = do_stuff_async() => value,
///     value = more_async_work() => value,
/// };
/// assert_eq!(winner, "stuff");
/// # }
/// ```
///
/// Receiving from two channels until both are closed: a branch whose pattern does not
/// match (`None` from a closed channel) is disabled, and `else` runs once both are.
///
/// ```
/// use rt::sync::mpsc;
///
/// # #[rt::main(flavor = "current_thread")]
/// # async fn main() {
/// let (tx1, mut rx1) = mpsc::channel(128);
/// let (tx2, mut rx2) = mpsc::channel(128);
///
/// rt::spawn(async move {
///     tx1.send(1).await.unwrap();
///     tx2.send(2).await.unwrap();
/// });
///
/// let mut sum = 0;
/// loop {
///     rt::select! {
///         Some(v) = rx1.recv() => sum += v,
///         Some(v) = rx2.recv() => sum += v,
///         else => break,
///     }
/// }
/// assert_eq!(sum, 3);
/// # }
/// ```
///
/// A timeout over a loop, with the `sleep` pinned so that every iteration waits on the
/// same deadline, and a precondition that stops polling the channel once it is done:
///
/// ```
/// use std::time::Duration;
///
/// # #[rt::main(flavor = "current_thread")]
/// # async fn main() {
/// let (tx, mut rx) = rt::sync::mpsc::channel::<u32>(8);
/// rt::spawn(async move {
///     tx.send(7).await.unwrap();
///     // `tx` is dropped: the channel closes.
/// });
///
/// let sleep = rt::time::sleep(Duration::from_millis(50));
/// rt::pin!(sleep);
///
/// let mut open = true;
/// let mut received = Vec::new();
/// loop {
///     rt::select! {
///         message = rx.recv(), if open => match message {
///             Some(v) => received.push(v),
///             None => open = false,
///         },
///         () = &mut sleep => break,
///     }
/// }
/// assert_eq!(received, [7]);
/// # }
/// ```
///
/// Polling in the written order with `biased;`:
///
/// ```
/// # #[rt::main(flavor = "current_thread")]
/// # async fn main() {
/// let mut order = Vec::new();
/// for _ in 0..3 {
///     rt::select! {
///         biased;
///         () = std::future::ready(()), if order.len() < 2 => order.push("first"),
///         () = std::future::ready(()) => order.push("second"),
///     }
/// }
/// assert_eq!(order, ["first", "first", "second"]);
/// # }
/// ```
///
/// # Panics
///
/// Panics when every branch is disabled and there is no `else` branch; the message is
/// "all branches are disabled and there is no else branch". A branch is disabled by a
/// `false` precondition, or when its future completed with an output that did not match
/// its pattern.
///
/// # Cancel safety
///
/// When one branch completes, `select!` drops the futures of all the others, which
/// cancels them: whatever a cancelled future had done is lost unless the future was
/// written so that dropping it loses nothing. In a loop, every iteration creates its
/// futures anew (unless given by reference), so the same operation is cancelled and
/// restarted over and over.
///
/// So the futures given to `select!` in a loop should be *cancel safe*: dropping them
/// before they complete must not lose data. The documentation of each async method says
/// whether it is. For example:
///
/// * cancel safe: `mpsc::Receiver::recv`, `broadcast::Receiver::recv`,
///   `watch::Receiver::changed`, `Notify::notified` (in a sense), `time::sleep`,
///   `AsyncReadExt::read` on a socket, and `&mut future` for a future pinned outside the
///   loop (it is not dropped, only polled);
/// * not cancel safe: `AsyncReadExt::read_exact`, `AsyncWriteExt::write_all`,
///   `Mutex::lock` (it loses its place in the queue), `mpsc::Sender::send` (the value is
///   lost with the future).
///
/// To run a future that is not cancel safe across several iterations, create it once
/// before the loop, pin it with [`pin!`](crate::pin!), and give it as `&mut future`.
///
/// `select!` itself holds no state between calls: dropping a `select!` that has not
/// finished drops every branch future, as above, and nothing else.
#[macro_export]
macro_rules! select {
    // ===== The expansion, once every branch has been normalized. =====
    //
    // Each branch is `( _ _ ) pattern = future, if condition => handler,`, where the
    // underscores (one per earlier branch) number it; `$else` is the `else` expression,
    // or a panic when there was none.
    (@ {
        biased = $biased:literal;
        ( $($count:tt)* )
        $( ( $($skip:tt)* ) $bind:pat = $fut:expr, if $cond:expr => $handle:expr, )+
        ; $else:expr
    }) => {{
        #[doc(hidden)]
        mod __rt_select_util {
            $crate::__private::select_priv_declare_output_enum!(( $($count)* ));
        }

        // Bit `i` set: branch `i` is disabled.
        let mut disabled: u64 = 0;
        $(
            if !$cond {
                disabled |= 1u64 << $crate::__private::select_priv_count!($($skip)*);
            }
        )+

        let output = {
            // Every future, pinned on the stack and dropped at the end of this block: before
            // the handler. A disabled branch's future is made but never polled.
            let mut futures = ( $(
                $crate::__private::pin!($crate::__private::IntoFuture::into_future($fut)),
            )+ );

            $crate::__private::poll_fn(|cx| {
                // Out of coop budget: yield before polling anything, as a future that
                // takes part in the budget would.
                $crate::__private::ready!($crate::__private::poll_budget_available(cx));

                let branches: u32 = $crate::__private::select_priv_count!($($count)*);
                let start: u32 = if $biased {
                    0
                } else {
                    $crate::__private::thread_rng_n(branches)
                };
                let mut pending = false;

                for offset in 0..branches {
                    let mut branch = start + offset;
                    if branch >= branches {
                        branch -= branches;
                    }
                    match branch {
                        $(
                            // An uninhabited output makes the rest of the arm unreachable.
                            #[allow(unreachable_code)]
                            $crate::__private::select_priv_count!($($skip)*) => {
                                let mask = 1u64 << branch;
                                if disabled & mask != 0 {
                                    continue;
                                }
                                let ( $($skip,)* future, .. ) = &mut futures;
                                let out = match $crate::__private::Future::poll(future.as_mut(), cx) {
                                    $crate::__private::Poll::Ready(out) => out,
                                    $crate::__private::Poll::Pending => {
                                        pending = true;
                                        continue;
                                    }
                                };
                                // Completed: never polled again, whether it matches or not.
                                disabled |= mask;
                                match &out {
                                    #[allow(unused_variables)]
                                    $crate::__private::select_priv_clean_pattern!($bind) => {}
                                    #[allow(unreachable_patterns)]
                                    _ => continue,
                                }
                                return $crate::__private::Poll::Ready(
                                    $crate::__private::select_priv_variant!(
                                        __rt_select_util::Out, ($($skip)*)
                                    )(out),
                                );
                            }
                        )+
                        _ => $crate::__private::unreachable!("select! polled a branch that does not exist"),
                    }
                }

                if pending {
                    $crate::__private::Poll::Pending
                } else {
                    $crate::__private::Poll::Ready(__rt_select_util::Out::Disabled)
                }
            })
            .await
        };

        match output {
            $(
                $crate::__private::select_priv_variant!(
                    __rt_select_util::Out, ($($skip)*) ($bind)
                ) => $handle,
            )+
            __rt_select_util::Out::Disabled => $else,
            #[allow(unreachable_patterns)]
            _ => $crate::__private::unreachable!("the output of a select! branch no longer matches its pattern"),
        }
    }};

    // ===== Normalization: one branch at a time. =====

    // No more branches and no `else`.
    (@ { $($state:tt)* }) => {
        $crate::select!(@ {
            $($state)*
            ; $crate::__private::panic!("all branches are disabled and there is no else branch")
        })
    };
    // The `else` branch, last.
    (@ { $($state:tt)* } else => $else:expr $(,)?) => {
        $crate::select!(@ { $($state)* ; $else })
    };
    // An `else` branch followed by more branches.
    (@ { $($state:tt)* } else => $else:expr, $($rest:tt)+) => {
        $crate::__private::compile_error!("the `else` branch of `select!` must come last")
    };
    // A branch: with or without a precondition; a block handler with or without a comma,
    // or an expression handler with a comma or at the end.
    (@ { biased = $b:literal; ( $($s:tt)* ) $($t:tt)* }
        $p:pat = $f:expr, if $c:expr => $h:block, $($r:tt)*) => {
        $crate::select!(@ { biased = $b; ($($s)* _) $($t)* ($($s)*) $p = $f, if $c => $h, } $($r)*)
    };
    (@ { biased = $b:literal; ( $($s:tt)* ) $($t:tt)* }
        $p:pat = $f:expr => $h:block, $($r:tt)*) => {
        $crate::select!(@ { biased = $b; ($($s)* _) $($t)* ($($s)*) $p = $f, if true => $h, } $($r)*)
    };
    (@ { biased = $b:literal; ( $($s:tt)* ) $($t:tt)* }
        $p:pat = $f:expr, if $c:expr => $h:block $($r:tt)*) => {
        $crate::select!(@ { biased = $b; ($($s)* _) $($t)* ($($s)*) $p = $f, if $c => $h, } $($r)*)
    };
    (@ { biased = $b:literal; ( $($s:tt)* ) $($t:tt)* }
        $p:pat = $f:expr => $h:block $($r:tt)*) => {
        $crate::select!(@ { biased = $b; ($($s)* _) $($t)* ($($s)*) $p = $f, if true => $h, } $($r)*)
    };
    (@ { biased = $b:literal; ( $($s:tt)* ) $($t:tt)* }
        $p:pat = $f:expr, if $c:expr => $h:expr) => {
        $crate::select!(@ { biased = $b; ($($s)* _) $($t)* ($($s)*) $p = $f, if $c => $h, })
    };
    (@ { biased = $b:literal; ( $($s:tt)* ) $($t:tt)* }
        $p:pat = $f:expr => $h:expr) => {
        $crate::select!(@ { biased = $b; ($($s)* _) $($t)* ($($s)*) $p = $f, if true => $h, })
    };
    (@ { biased = $b:literal; ( $($s:tt)* ) $($t:tt)* }
        $p:pat = $f:expr, if $c:expr => $h:expr, $($r:tt)*) => {
        $crate::select!(@ { biased = $b; ($($s)* _) $($t)* ($($s)*) $p = $f, if $c => $h, } $($r)*)
    };
    (@ { biased = $b:literal; ( $($s:tt)* ) $($t:tt)* }
        $p:pat = $f:expr => $h:expr, $($r:tt)*) => {
        $crate::select!(@ { biased = $b; ($($s)* _) $($t)* ($($s)*) $p = $f, if true => $h, } $($r)*)
    };

    // Anything else where a branch should be.
    (@ { $($state:tt)* } $($rest:tt)+) => {
        $crate::__private::compile_error!(
            "expected a `select!` branch: `pattern = future => handler,` or \
             `pattern = future, if condition => handler,`, or a last `else => expression`"
        )
    };

    // ===== Entry points. =====

    () => {
        $crate::__private::compile_error!(
            "`select!` needs at least one branch: `pattern = future => handler,` or `else => expression`"
        )
    };
    (biased; $(,)?) => {
        $crate::__private::compile_error!(
            "`select!` needs at least one branch after `biased;`: `pattern = future => handler,`"
        )
    };
    ($(biased;)? else => $else:expr, $($rest:tt)+) => {
        $crate::__private::compile_error!("the `else` branch of `select!` must come last")
    };
    // Only an `else`: nothing to wait for.
    ($(biased;)? else => $else:expr $(,)?) => {{
        $else
    }};
    (biased; $p:pat = $($t:tt)*) => {
        $crate::select!(@ { biased = true; () } $p = $($t)*)
    };
    ($p:pat = $($t:tt)*) => {
        $crate::select!(@ { biased = false; () } $p = $($t)*)
    };
}
