//! The process-wide side of signals: one handler per signal number, which counts the
//! deliveries and wakes listeners through a socket pair the reactor watches.
//!
//! # Protocol
//!
//! - **S1.** The handler does only async-signal-safe work: an atomic add to the signal's
//!   delivery count and a one-byte `write(2)` to the pair's write end, with `errno` saved
//!   and restored around them.
//! - **S2.** The count is bumped before the byte is written, both `SeqCst`: a listener that
//!   was woken by the byte, or that drained it, and then reads the count sees the delivery.
//! - **S3.** Every listener watches its own duplicate of the read end, registered with its
//!   runtime's reactor, and drains the socket when that says it is readable. Bytes only say
//!   "look again"; the counts say what happened, so a byte lost to a full socket loses
//!   nothing.
//! - **S4.** A signal's handler is installed once, on its first registration, and never
//!   removed (as Tokio): from then on the signal's default action (such as terminating the
//!   process on `SIGINT`) no longer happens.
//! - **S5.** epoll checks a descriptor again when it hands out its event, so a listener that
//!   drains the socket can swallow the edge of another that was about to be told. Hence a
//!   waiting listener puts its waker in `WAITERS` and only then reads the count again, and
//!   whoever drains a byte wakes every waker there: either the drain comes after the
//!   waker is in (and wakes it) or before (and the count was bumped before the byte, S2,
//!   so the listener's second look sees it).

use std::io;
use std::os::fd::AsRawFd;
use std::os::unix::net::UnixStream;
use std::sync::atomic::{AtomicBool, AtomicI32, AtomicU64, Ordering::SeqCst};
use std::sync::{Mutex, OnceLock, PoisonError};
use std::task::Waker;

/// Signal numbers that have a slot: Linux's are 1 to 64.
const SLOTS: usize = 65;

/// Signals that cannot be caught, or whose handler could not return sensibly.
const FORBIDDEN: [libc::c_int; 5] = [
    libc::SIGKILL,
    libc::SIGSTOP,
    libc::SIGILL,
    libc::SIGFPE,
    libc::SIGSEGV,
];

/// What is kept per signal number.
struct Slot {
    /// Deliveries since the process started (S1, S2).
    deliveries: AtomicU64,
    /// Whether the handler is installed (S4); set under `INSTALL`.
    installed: AtomicBool,
}

static SLOT: [Slot; SLOTS] = [const {
    Slot {
        deliveries: AtomicU64::new(0),
        installed: AtomicBool::new(false),
    }
}; SLOTS];

/// The socket pair's write end, for the handler; -1 until the pair exists.
static WRITE_FD: AtomicI32 = AtomicI32::new(-1);

/// The socket pair: (read end, write end), non-blocking, open for the life of the process.
static PAIR: OnceLock<(UnixStream, UnixStream)> = OnceLock::new();

/// Serializes handler installation.
static INSTALL: Mutex<()> = Mutex::new(());

/// The wakers of waiting listeners, by listener id (S5).
static WAITERS: Mutex<Vec<(u64, Waker)>> = Mutex::new(Vec::new());

/// The next listener id.
static NEXT_ID: AtomicU64 = AtomicU64::new(0);

/// The signal handler (S1, S2).
extern "C" fn handler(signum: libc::c_int) {
    // SAFETY: `__errno_location` returns this thread's `errno`, valid for the thread's life.
    let errno = unsafe { *libc::__errno_location() };
    if let Some(slot) = usize::try_from(signum).ok().and_then(|i| SLOT.get(i)) {
        slot.deliveries.fetch_add(1, SeqCst);
    }
    let fd = WRITE_FD.load(SeqCst);
    if fd >= 0 {
        let byte = 1u8;
        // SAFETY: writes one byte from a live local to a descriptor that stays open for the
        // life of the process (`PAIR` is never dropped). A full socket makes this fail with
        // `EAGAIN`, which is fine (S3).
        unsafe { libc::write(fd, (&raw const byte).cast(), 1) };
    }
    // SAFETY: as above.
    unsafe { *libc::__errno_location() = errno };
}

/// The socket pair's read end, created on first use.
///
/// # Errors
///
/// The socket pair could not be created.
pub(crate) fn read_end() -> io::Result<&'static UnixStream> {
    if let Some((read, _)) = PAIR.get() {
        return Ok(read);
    }
    let (read, write) = UnixStream::pair()?;
    read.set_nonblocking(true)?;
    write.set_nonblocking(true)?;
    // If another thread won the race, its pair is the one kept and ours is closed. The
    // write end is published before the pair, so whoever sees the pair (and may then
    // install a handler) sees it too.
    let (read, _) = PAIR.get_or_init(|| {
        WRITE_FD.store(write.as_raw_fd(), SeqCst);
        (read, write)
    });
    Ok(read)
}

/// A new listener's id, for `wait` and `forget`.
pub(crate) fn listener_id() -> u64 {
    NEXT_ID.fetch_add(1, SeqCst)
}

/// Records `waker` as listener `id`'s (S5), in place of the one it had.
pub(crate) fn wait(id: u64, waker: &Waker) {
    let mut waiters = WAITERS.lock().unwrap_or_else(PoisonError::into_inner);
    match waiters.iter_mut().find(|(i, _)| *i == id) {
        Some((_, old)) => old.clone_from(waker),
        None => waiters.push((id, waker.clone())),
    }
}

/// Drops listener `id`'s waker.
pub(crate) fn forget(id: u64) {
    let mut waiters = WAITERS.lock().unwrap_or_else(PoisonError::into_inner);
    waiters.retain(|(i, _)| *i != id);
}

/// Wakes every waiting listener but `drainer`, after its drain (S5).
pub(crate) fn wake_others(drainer: u64) {
    let others: Vec<_> = {
        let mut waiters = WAITERS.lock().unwrap_or_else(PoisonError::into_inner);
        let (mine, others) = std::mem::take(&mut *waiters)
            .into_iter()
            .partition(|(i, _)| *i == drainer);
        *waiters = mine;
        others
    };
    for (_, waker) in others {
        waker.wake();
    }
}

/// Deliveries of `signum` so far.
pub(crate) fn deliveries(signum: libc::c_int) -> u64 {
    // `register` accepted `signum`, so it has a slot.
    SLOT[signum as usize].deliveries.load(SeqCst)
}

/// Installs the handler of `signum` if it is not yet (S4).
///
/// # Errors
///
/// `signum` is one of `FORBIDDEN`, negative or too large, or the system refused the
/// handler.
pub(crate) fn register(signum: libc::c_int) -> io::Result<()> {
    if signum < 0 || FORBIDDEN.contains(&signum) {
        return Err(io::Error::other(format!(
            "Refusing to register signal {signum}"
        )));
    }
    let slot = SLOT
        .get(signum as usize)
        .ok_or_else(|| io::Error::other("signal too large"))?;
    // The pair exists before any handler that writes to it.
    read_end()?;
    let _guard = INSTALL.lock().unwrap_or_else(PoisonError::into_inner);
    if slot.installed.load(SeqCst) {
        return Ok(());
    }
    // SAFETY: `sigaction` is a plain C struct; all-zero is a valid value to fill in.
    let mut action: libc::sigaction = unsafe { std::mem::zeroed() };
    action.sa_sigaction = handler as extern "C" fn(libc::c_int) as libc::sighandler_t;
    action.sa_flags = libc::SA_RESTART;
    // SAFETY: `sa_mask` is a live, exclusively borrowed `sigset_t`.
    unsafe { libc::sigemptyset(&raw mut action.sa_mask) };
    // SAFETY: `action` is initialized and names a handler that is async-signal-safe (S1);
    // the old action is not asked for.
    if unsafe { libc::sigaction(signum, &raw const action, std::ptr::null_mut()) } != 0 {
        return Err(io::Error::last_os_error());
    }
    slot.installed.store(true, SeqCst);
    Ok(())
}
