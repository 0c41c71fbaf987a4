#![cfg(feature = "full")]
//! `ToSocketAddrs` and `lookup_host`: every argument form, literals without the blocking
//! pool, names through it, and the errors. No traffic: resolution only ("localhost").

#[macro_use]
#[path = "support/flavors.rs"]
mod flavors;

use std::future::Future;
use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, SocketAddrV4, SocketAddrV6};

use rt::net::lookup_host;

async fn one<A: rt::net::ToSocketAddrs>(addr: A) -> Vec<SocketAddr> {
    lookup_host(addr).await.unwrap().collect()
}

rt_test! {
    #[test]
    fn every_address_form_resolves() {
        rt().block_on(async {
            let v4 = SocketAddr::from(([127, 0, 0, 1], 80));
            let v6: SocketAddr = "[::1]:443".parse().unwrap();
            assert_eq!(one(v4).await, [v4]);
            assert_eq!(one(&v4).await, [v4]);
            assert_eq!(one(SocketAddrV4::new(Ipv4Addr::LOCALHOST, 80)).await, [v4]);
            assert_eq!(one(SocketAddrV6::new(Ipv6Addr::LOCALHOST, 443, 0, 0)).await, [v6]);
            assert_eq!(one((IpAddr::V4(Ipv4Addr::LOCALHOST), 80)).await, [v4]);
            assert_eq!(one((Ipv4Addr::LOCALHOST, 80)).await, [v4]);
            assert_eq!(one((Ipv6Addr::LOCALHOST, 443)).await, [v6]);
            assert_eq!(one(&[v4, v6][..]).await, [v4, v6]);
            assert_eq!(one("127.0.0.1:80").await, [v4]);
            assert_eq!(one("[::1]:443").await, [v6]);
            assert_eq!(one(String::from("127.0.0.1:80")).await, [v4]);
            assert_eq!(one(&String::from("127.0.0.1:80")).await, [v4]);
            assert_eq!(one(("127.0.0.1", 80)).await, [v4]);
            assert_eq!(one(("::1", 443)).await, [v6]);
            assert_eq!(one((String::from("127.0.0.1"), 80)).await, [v4]);
            let empty: &[SocketAddr] = &[];
            assert!(one(empty).await.is_empty());
        });
    }

    #[test]
    fn names_resolve_on_the_blocking_pool() {
        rt().block_on(async {
            let addrs = one("localhost:8080").await;
            assert!(!addrs.is_empty());
            assert!(addrs.iter().all(|a| a.ip().is_loopback() && a.port() == 8080), "{addrs:?}");
            let addrs = one(("localhost", 9)).await;
            assert!(addrs.iter().all(|a| a.ip().is_loopback() && a.port() == 9), "{addrs:?}");
            let addrs = one((String::from("localhost"), 7)).await;
            assert!(!addrs.is_empty());
        });
    }

    #[test]
    fn malformed_input_is_an_error() {
        rt().block_on(async {
            // No port.
            assert!(lookup_host("127.0.0.1").await.is_err());
            // A port out of range.
            assert!(lookup_host("localhost:99999").await.is_err());
            // A name that cannot exist (reserved TLD); the resolver answers locally.
            let err = lookup_host(("does-not-exist.invalid", 80)).await.err();
            if let Some(err) = err {
                assert_ne!(err.kind(), io::ErrorKind::WouldBlock);
            }
        });
    }
}

#[test]
fn literals_resolve_without_a_runtime() {
    // An IP literal needs no blocking pool, so the future completes at its first poll
    // even with no runtime around.
    let waker = std::task::Waker::noop();
    let mut cx = std::task::Context::from_waker(waker);
    let mut fut = std::pin::pin!(lookup_host("127.0.0.1:1"));
    match fut.as_mut().poll(&mut cx) {
        std::task::Poll::Ready(Ok(mut addrs)) => {
            assert_eq!(addrs.next(), Some(SocketAddr::from(([127, 0, 0, 1], 1))));
        }
        _ => panic!("a literal must resolve at once"),
    }
}

#[test]
#[should_panic]
fn names_need_a_runtime() {
    let waker = std::task::Waker::noop();
    let mut cx = std::task::Context::from_waker(waker);
    let mut fut = std::pin::pin!(lookup_host("localhost:1"));
    let _ = fut.as_mut().poll(&mut cx);
}
