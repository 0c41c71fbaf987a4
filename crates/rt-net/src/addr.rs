//! Turning the arguments of `bind`, `connect` and `send_to` into socket addresses.
//!
//! An argument is either an address already (`SocketAddr`, `(IpAddr, u16)`, a slice of
//! addresses), an IP literal in a string (parsed here, at once), or a host name (resolved by
//! the system resolver, which blocks, so it runs on the blocking pool).

use std::future::Future;
use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, SocketAddrV4, SocketAddrV6};
use std::option;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::vec;

use rt_core::task::JoinHandle;

/// Something that gives one or more socket addresses, possibly after a name lookup.
///
/// The asynchronous counterpart of [`std::net::ToSocketAddrs`], taken by
/// [`TcpListener::bind`](crate::TcpListener::bind),
/// [`TcpStream::connect`](crate::TcpStream::connect), [`lookup_host`](crate::lookup_host) and
/// the UDP methods. Addresses and IP literals resolve without waiting; a host name is looked
/// up by the system resolver on the blocking pool.
///
/// Implemented for [`SocketAddr`], [`SocketAddrV4`], [`SocketAddrV6`], `(IpAddr, u16)`,
/// `(Ipv4Addr, u16)`, `(Ipv6Addr, u16)`, `&[SocketAddr]`, [`str`] and [`String`]
/// (`"host:port"`), `(&str, u16)` and `(String, u16)`, and references to any of these.
///
/// This trait is sealed: it cannot be implemented outside rt.
///
/// # Examples
///
/// ```
/// use rt::net::TcpListener;
///
/// # rt::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// // Each of these is a `ToSocketAddrs`.
/// let a = TcpListener::bind("127.0.0.1:0").await?;
/// let b = TcpListener::bind(("127.0.0.1", 0)).await?;
/// let c = TcpListener::bind(std::net::SocketAddr::from(([127, 0, 0, 1], 0))).await?;
/// # drop((a, b, c));
/// # Ok::<(), std::io::Error>(())
/// # }).unwrap();
/// ```
pub trait ToSocketAddrs: sealed::ToSocketAddrsPriv {}

/// Resolves `addr` into its socket addresses: at once for addresses and IP literals, on the
/// blocking pool for host names.
///
/// The returned future does not borrow `addr`.
///
/// # Panics
///
/// Polling it panics outside a runtime when `addr` names a host (the lookup needs the
/// blocking pool).
pub(crate) fn to_socket_addrs<A: ToSocketAddrs>(addr: A) -> Resolve {
    Resolve {
        state: addr.resolve(sealed::Internal),
    }
}

/// The addresses an argument resolved to, in the resolver's order.
#[derive(Debug)]
pub struct SocketAddrs {
    inner: SocketAddrsInner,
}

#[derive(Debug)]
enum SocketAddrsInner {
    One(option::IntoIter<SocketAddr>),
    Many(vec::IntoIter<SocketAddr>),
}

impl SocketAddrs {
    fn one(addr: SocketAddr) -> SocketAddrs {
        SocketAddrs {
            inner: SocketAddrsInner::One(Some(addr).into_iter()),
        }
    }

    fn many(addrs: Vec<SocketAddr>) -> SocketAddrs {
        SocketAddrs {
            inner: SocketAddrsInner::Many(addrs.into_iter()),
        }
    }
}

impl Iterator for SocketAddrs {
    type Item = SocketAddr;

    fn next(&mut self) -> Option<SocketAddr> {
        match &mut self.inner {
            SocketAddrsInner::One(it) => it.next(),
            SocketAddrsInner::Many(it) => it.next(),
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        match &self.inner {
            SocketAddrsInner::One(it) => it.size_hint(),
            SocketAddrsInner::Many(it) => it.size_hint(),
        }
    }
}

/// The future of [`to_socket_addrs`]: ready at once, or waiting for a lookup.
#[derive(Debug)]
pub struct Resolve {
    state: State,
}

/// Where a resolution stands; built by the sealed trait's method.
#[derive(Debug)]
#[doc(hidden)]
pub enum State {
    /// The result is known (taken on the first poll).
    Ready(Option<io::Result<SocketAddrs>>),
    /// A name to look up: the host part and port (`None` when the string holds both).
    Lookup(Option<(String, Option<u16>)>),
    /// A lookup running on the blocking pool.
    Blocking(JoinHandle<io::Result<Vec<SocketAddr>>>),
}

impl Future for Resolve {
    type Output = io::Result<SocketAddrs>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        loop {
            match &mut this.state {
                State::Ready(result) => {
                    return Poll::Ready(result.take().expect("`Resolve` polled after completion"));
                }
                State::Lookup(name) => {
                    let (host, port) = name.take().expect("`Resolve` polled after completion");
                    let handle = rt_core::task::spawn_blocking(move || {
                        let addrs = match port {
                            Some(port) => {
                                std::net::ToSocketAddrs::to_socket_addrs(&(host.as_str(), port))?
                            }
                            None => std::net::ToSocketAddrs::to_socket_addrs(host.as_str())?,
                        };
                        Ok(addrs.collect())
                    });
                    this.state = State::Blocking(handle);
                }
                State::Blocking(handle) => {
                    let result = match Pin::new(handle).poll(cx) {
                        Poll::Pending => return Poll::Pending,
                        Poll::Ready(Ok(result)) => result.map(SocketAddrs::many),
                        Poll::Ready(Err(e)) if e.is_panic() => {
                            std::panic::resume_unwind(e.into_panic())
                        }
                        Poll::Ready(Err(_)) => Err(io::Error::other(
                            "the name lookup was cancelled: the runtime is shutting down",
                        )),
                    };
                    this.state = State::Ready(None);
                    return Poll::Ready(result);
                }
            }
        }
    }
}

fn ready(addr: SocketAddr) -> State {
    State::Ready(Some(Ok(SocketAddrs::one(addr))))
}

pub(crate) mod sealed {
    //! The trait that carries the method, out of users' reach.

    use super::State;

    /// Makes the method uncallable from outside the crate.
    #[derive(Debug, Clone, Copy)]
    pub struct Internal;

    /// The method behind [`ToSocketAddrs`](super::ToSocketAddrs).
    pub trait ToSocketAddrsPriv {
        /// Starts resolving `self`.
        fn resolve(&self, internal: Internal) -> State;
    }
}

use sealed::{Internal, ToSocketAddrsPriv};

impl ToSocketAddrs for SocketAddr {}
impl ToSocketAddrsPriv for SocketAddr {
    fn resolve(&self, _: Internal) -> State {
        ready(*self)
    }
}

impl ToSocketAddrs for SocketAddrV4 {}
impl ToSocketAddrsPriv for SocketAddrV4 {
    fn resolve(&self, _: Internal) -> State {
        ready(SocketAddr::V4(*self))
    }
}

impl ToSocketAddrs for SocketAddrV6 {}
impl ToSocketAddrsPriv for SocketAddrV6 {
    fn resolve(&self, _: Internal) -> State {
        ready(SocketAddr::V6(*self))
    }
}

impl ToSocketAddrs for (IpAddr, u16) {}
impl ToSocketAddrsPriv for (IpAddr, u16) {
    fn resolve(&self, _: Internal) -> State {
        ready(SocketAddr::new(self.0, self.1))
    }
}

impl ToSocketAddrs for (Ipv4Addr, u16) {}
impl ToSocketAddrsPriv for (Ipv4Addr, u16) {
    fn resolve(&self, _: Internal) -> State {
        ready(SocketAddr::V4(SocketAddrV4::new(self.0, self.1)))
    }
}

impl ToSocketAddrs for (Ipv6Addr, u16) {}
impl ToSocketAddrsPriv for (Ipv6Addr, u16) {
    fn resolve(&self, _: Internal) -> State {
        ready(SocketAddr::V6(SocketAddrV6::new(self.0, self.1, 0, 0)))
    }
}

impl ToSocketAddrs for &[SocketAddr] {}
impl ToSocketAddrsPriv for &[SocketAddr] {
    fn resolve(&self, _: Internal) -> State {
        State::Ready(Some(Ok(SocketAddrs::many(self.to_vec()))))
    }
}

impl ToSocketAddrs for str {}
impl ToSocketAddrsPriv for str {
    fn resolve(&self, _: Internal) -> State {
        // An IP literal with a port needs no resolver.
        match self.parse::<SocketAddr>() {
            Ok(addr) => ready(addr),
            Err(_) => State::Lookup(Some((self.to_owned(), None))),
        }
    }
}

impl ToSocketAddrs for String {}
impl ToSocketAddrsPriv for String {
    fn resolve(&self, internal: Internal) -> State {
        self.as_str().resolve(internal)
    }
}

impl ToSocketAddrs for (&str, u16) {}
impl ToSocketAddrsPriv for (&str, u16) {
    fn resolve(&self, _: Internal) -> State {
        let (host, port) = *self;
        // An IP literal needs no resolver.
        match host.parse::<IpAddr>() {
            Ok(ip) => ready(SocketAddr::new(ip, port)),
            Err(_) => State::Lookup(Some((host.to_owned(), Some(port)))),
        }
    }
}

impl ToSocketAddrs for (String, u16) {}
impl ToSocketAddrsPriv for (String, u16) {
    fn resolve(&self, internal: Internal) -> State {
        (self.0.as_str(), self.1).resolve(internal)
    }
}

impl<T: ToSocketAddrs + ?Sized> ToSocketAddrs for &T {}
impl<T: ToSocketAddrsPriv + ?Sized> ToSocketAddrsPriv for &T {
    fn resolve(&self, internal: Internal) -> State {
        (**self).resolve(internal)
    }
}

/// The error when an argument resolved to no address at all.
pub(crate) fn no_address() -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidInput,
        "could not resolve to any address",
    )
}
