//! Helpers shared by the test files: include with
//! `#[path = "support/util.rs"] mod util;`.
#![allow(dead_code)]

use std::future::poll_fn;
use std::mem::MaybeUninit;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Poll, Waker};

use rt::io::{AsyncRead, AsyncWrite, AsyncWriteExt, ReadBuf};

/// A latch that any number of tasks await and any thread opens, once.
#[derive(Clone, Default)]
pub struct Gate(Arc<Mutex<GateState>>);

#[derive(Default)]
struct GateState {
    open: bool,
    waiters: Vec<Waker>,
}

impl Gate {
    pub fn open(&self) {
        let waiters = {
            let mut state = self.0.lock().unwrap();
            state.open = true;
            std::mem::take(&mut state.waiters)
        };
        for waker in waiters {
            waker.wake();
        }
    }

    pub async fn wait(&self) {
        poll_fn(|cx| {
            let mut state = self.0.lock().unwrap();
            if state.open {
                Poll::Ready(())
            } else {
                state.waiters.push(cx.waker().clone());
                Poll::Pending
            }
        })
        .await
    }
}

/// Runs its closure when dropped: makes a future's destructor observable.
pub struct OnDrop<F: FnMut()>(pub F);

impl<F: FnMut()> Drop for OnDrop<F> {
    fn drop(&mut self) {
        (self.0)()
    }
}

/// The message of a panic payload, if it is a string.
pub fn panic_message(payload: &(dyn std::any::Any + Send)) -> Option<&str> {
    payload
        .downcast_ref::<&'static str>()
        .copied()
        .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
}

/// Writes five bytes on `client`, reads them on `server` into a 4 KiB uninitialized
/// buffer, and checks that the rest of the buffer was not zeroed: a `read_buf` into a
/// 64 KiB `BytesMut` would otherwise pay a 64 KiB memset per read.
pub async fn read_does_not_zero(
    mut client: impl AsyncWrite + Unpin,
    mut server: impl AsyncRead + Unpin,
) {
    client.write_all(b"hello").await.unwrap();
    let mut storage = [MaybeUninit::new(0xAA_u8); 4096];
    let mut buf = ReadBuf::uninit(&mut storage);
    poll_fn(|cx| Pin::new(&mut server).poll_read(cx, &mut buf))
        .await
        .unwrap();
    assert_eq!(buf.filled(), b"hello");
    assert_eq!(buf.initialized().len(), 5);
}
