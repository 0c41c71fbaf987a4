//! `AsyncWriteExt`: every method, through a writer that returns `Pending` and short writes.

mod io_support;

use std::io::{ErrorKind, IoSlice};

use bytes::Buf;
use io_support::{MockWriter, poll_once};
use rt::io::AsyncWriteExt;

#[rt::test]
async fn write_is_one_attempt() {
    let mut wr = MockWriter::new(3, true);
    assert_eq!(wr.write(b"abcdef").await.unwrap(), 3);
    assert_eq!(wr.data, b"abc");
    assert_eq!(wr.pendings, 1);
}

#[rt::test]
async fn write_all_loops_over_short_writes() {
    let mut wr = MockWriter::new(2, true);
    wr.write_all(b"hello world").await.unwrap();
    assert_eq!(wr.data, b"hello world");
    assert_eq!(wr.writes, 6);
}

#[rt::test]
async fn write_all_reports_write_zero() {
    let mut wr = MockWriter::new(4, false);
    wr.capacity = Some(5);
    let err = wr.write_all(b"0123456789").await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::WriteZero);
    assert_eq!(wr.data, b"01234");
}

#[rt::test]
async fn write_all_passes_errors_through() {
    let mut wr = MockWriter::new(4, false);
    wr.fail_next = Some(ErrorKind::ConnectionAborted);
    assert_eq!(
        wr.write_all(b"x").await.unwrap_err().kind(),
        ErrorKind::ConnectionAborted
    );
}

#[rt::test]
async fn write_vectored_defaults_to_first_nonempty_slice() {
    let mut wr = MockWriter::new(100, false);
    let bufs = [IoSlice::new(b""), IoSlice::new(b"ab"), IoSlice::new(b"cd")];
    assert_eq!(wr.write_vectored(&bufs).await.unwrap(), 2);
    assert_eq!(wr.data, b"ab");
}

#[rt::test]
async fn write_buf_advances_the_cursor() {
    let mut wr = MockWriter::new(3, true);
    let mut src = &b"abcdefg"[..];
    assert_eq!(wr.write_buf(&mut src).await.unwrap(), 3);
    assert_eq!(src, b"defg");
    let mut empty = &b""[..];
    assert_eq!(wr.write_buf(&mut empty).await.unwrap(), 0);
}

#[rt::test]
async fn write_all_buf_writes_chained_chunks() {
    let mut wr = MockWriter::new(3, true);
    let mut src = (&b"hello "[..]).chain(&b"world"[..]);
    wr.write_all_buf(&mut src).await.unwrap();
    assert_eq!(wr.data, b"hello world");
    assert!(!src.has_remaining());

    // Vectored writers get several chunks at once.
    let mut out = Vec::new();
    let mut src = (&b"a"[..]).chain(&b"b"[..]).chain(&b"c"[..]);
    out.write_all_buf(&mut src).await.unwrap();
    assert_eq!(out, b"abc");
}

#[rt::test]
async fn write_all_buf_reports_write_zero_and_keeps_cursor() {
    let mut wr = MockWriter::new(4, false);
    wr.capacity = Some(2);
    let mut src = &b"abcd"[..];
    assert_eq!(
        wr.write_all_buf(&mut src).await.unwrap_err().kind(),
        ErrorKind::WriteZero
    );
    assert_eq!(src, b"cd", "advanced by what was written");
}

#[rt::test]
async fn integers_round_trip_through_short_writes() {
    use rt::io::AsyncReadExt;
    let mut wr = MockWriter::new(1, true);
    wr.write_u8(1).await.unwrap();
    wr.write_i8(-1).await.unwrap();
    wr.write_u16(2).await.unwrap();
    wr.write_i16(-2).await.unwrap();
    wr.write_u32(3).await.unwrap();
    wr.write_i32(-3).await.unwrap();
    wr.write_u64(4).await.unwrap();
    wr.write_i64(-4).await.unwrap();
    wr.write_u128(5).await.unwrap();
    wr.write_i128(-5).await.unwrap();
    wr.write_f32(1.5).await.unwrap();
    wr.write_f64(2.5).await.unwrap();
    wr.write_u16_le(6).await.unwrap();
    wr.write_i16_le(-6).await.unwrap();
    wr.write_u32_le(7).await.unwrap();
    wr.write_i32_le(-7).await.unwrap();
    wr.write_u64_le(8).await.unwrap();
    wr.write_i64_le(-8).await.unwrap();
    wr.write_u128_le(9).await.unwrap();
    wr.write_i128_le(-9).await.unwrap();
    wr.write_f32_le(3.5).await.unwrap();
    wr.write_f64_le(4.5).await.unwrap();

    assert_eq!(&wr.data[2..4], &2u16.to_be_bytes());
    let mut rd = &wr.data[..];
    assert_eq!(rd.read_u8().await.unwrap(), 1);
    assert_eq!(rd.read_i8().await.unwrap(), -1);
    assert_eq!(rd.read_u16().await.unwrap(), 2);
    assert_eq!(rd.read_i16().await.unwrap(), -2);
    assert_eq!(rd.read_u32().await.unwrap(), 3);
    assert_eq!(rd.read_i32().await.unwrap(), -3);
    assert_eq!(rd.read_u64().await.unwrap(), 4);
    assert_eq!(rd.read_i64().await.unwrap(), -4);
    assert_eq!(rd.read_u128().await.unwrap(), 5);
    assert_eq!(rd.read_i128().await.unwrap(), -5);
    assert_eq!(rd.read_f32().await.unwrap(), 1.5);
    assert_eq!(rd.read_f64().await.unwrap(), 2.5);
    assert_eq!(rd.read_u16_le().await.unwrap(), 6);
    assert_eq!(rd.read_i16_le().await.unwrap(), -6);
    assert_eq!(rd.read_u32_le().await.unwrap(), 7);
    assert_eq!(rd.read_i32_le().await.unwrap(), -7);
    assert_eq!(rd.read_u64_le().await.unwrap(), 8);
    assert_eq!(rd.read_i64_le().await.unwrap(), -8);
    assert_eq!(rd.read_u128_le().await.unwrap(), 9);
    assert_eq!(rd.read_i128_le().await.unwrap(), -9);
    assert_eq!(rd.read_f32_le().await.unwrap(), 3.5);
    assert_eq!(rd.read_f64_le().await.unwrap(), 4.5);
    assert!(rd.is_empty());
}

#[rt::test]
async fn integer_write_zero() {
    let mut wr = MockWriter::new(8, false);
    wr.capacity = Some(1);
    assert_eq!(
        wr.write_u32(1).await.unwrap_err().kind(),
        ErrorKind::WriteZero
    );
}

#[rt::test]
async fn flush_and_shutdown_reach_the_writer() {
    let mut wr = MockWriter::new(8, true);
    wr.flush().await.unwrap();
    wr.shutdown().await.unwrap();
    assert_eq!((wr.flushes, wr.shutdowns), (1, 1));
}

#[test]
fn write_is_cancel_safe() {
    let mut wr = MockWriter::new(8, true);
    {
        let mut fut = Box::pin(wr.write(b"abc"));
        assert!(poll_once(&mut fut).is_pending());
    }
    assert!(wr.data.is_empty(), "a dropped write wrote nothing");
}
