//! The traits' impls for std types: slices, vectors, cursors, boxes, pins, references.

use std::io::{Cursor, IoSlice, SeekFrom};
use std::pin::Pin;

use rt::io::{
    AsyncBufRead, AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncSeekExt, AsyncWrite, AsyncWriteExt,
};

#[rt::test]
async fn slice_reads_and_advances() {
    let mut src: &[u8] = b"hello";
    let mut buf = [0u8; 3];
    assert_eq!(src.read(&mut buf).await.unwrap(), 3);
    assert_eq!(src, b"lo");
    assert_eq!(src.fill_buf().await.unwrap(), b"lo");
    src.consume(1);
    assert_eq!(src, b"o");
}

#[rt::test]
async fn vec_writes_and_is_vectored() {
    let mut v = Vec::new();
    assert!(v.is_write_vectored());
    let n = v
        .write_vectored(&[IoSlice::new(b"ab"), IoSlice::new(b"cd")])
        .await
        .unwrap();
    assert_eq!(n, 4);
    v.flush().await.unwrap();
    v.shutdown().await.unwrap();
    assert_eq!(v, b"abcd");
}

#[rt::test]
async fn cursor_reads_seeks_and_buf_reads() {
    let mut c = Cursor::new(b"0123456789".to_vec());
    let mut buf = [0u8; 4];
    c.read_exact(&mut buf).await.unwrap();
    assert_eq!(c.stream_position().await.unwrap(), 4);
    assert_eq!(c.seek(SeekFrom::Current(2)).await.unwrap(), 6);
    assert_eq!(c.fill_buf().await.unwrap(), b"6789");
    assert_eq!(c.seek(SeekFrom::End(-1)).await.unwrap(), 9);
    assert!(c.seek(SeekFrom::Current(-100)).await.is_err());
    // Past the end: reads nothing.
    c.seek(SeekFrom::Start(100)).await.unwrap();
    assert_eq!(c.read(&mut buf).await.unwrap(), 0);
    c.rewind().await.unwrap();
    assert_eq!(c.read_u8().await.unwrap(), b'0');
}

#[rt::test]
async fn cursor_writers_for_each_storage() {
    let mut storage = [0u8; 4];
    let mut c = Cursor::new(&mut storage[..]);
    assert_eq!(
        c.write(b"abcdef").await.unwrap(),
        4,
        "a slice cursor is bounded"
    );
    assert_eq!(c.write(b"x").await.unwrap(), 0);
    assert_eq!(&storage, b"abcd");

    let mut v = Vec::new();
    let mut c = Cursor::new(&mut v);
    c.write_all(b"xyz").await.unwrap();
    c.set_position(1);
    c.write_all(b"Y").await.unwrap();
    assert_eq!(v, b"xYz");

    let mut c = Cursor::new(Vec::new());
    c.write_all(b"owned").await.unwrap();
    assert!(c.is_write_vectored());
    assert_eq!(c.into_inner(), b"owned");

    let mut c = Cursor::new(vec![0u8; 3].into_boxed_slice());
    assert_eq!(c.write(b"abcd").await.unwrap(), 3);
    c.shutdown().await.unwrap();
    assert_eq!(&*c.into_inner(), b"abc");
}

#[rt::test]
async fn box_pin_and_mut_ref_forward() {
    let mut boxed: Box<dyn AsyncRead + Unpin> = Box::new(&b"boxed"[..]);
    let mut s = String::new();
    boxed.read_to_string(&mut s).await.unwrap();
    assert_eq!(s, "boxed");

    let mut pinned = Box::pin(Cursor::new(b"pinned".to_vec()));
    let mut s = String::new();
    pinned.read_to_string(&mut s).await.unwrap();
    assert_eq!(s, "pinned");
    pinned.rewind().await.unwrap();
    assert_eq!(pinned.as_mut().fill_buf().await.unwrap(), b"pinned");

    let mut out: Box<dyn AsyncWrite + Unpin> = Box::new(Vec::new());
    out.write_all(b"x").await.unwrap();
    let mut pinned_out = Box::pin(Vec::new());
    pinned_out.write_all(b"y").await.unwrap();
    assert!(pinned_out.is_write_vectored());
    assert_eq!(*pinned_out, b"y");

    let mut v = Vec::new();
    {
        let mut r = &mut v;
        let r2 = &mut r;
        r2.write_all(b"through refs").await.unwrap();
    }
    assert_eq!(v, b"through refs");

    let mut inner: &[u8] = b"ab";
    let mut by_ref = &mut inner;
    let mut buf_read: Pin<&mut &mut &[u8]> = Pin::new(&mut by_ref);
    assert_eq!(buf_read.as_mut().fill_buf().await.unwrap(), b"ab");
    AsyncBufRead::consume(buf_read.as_mut(), 1);
    assert_eq!(inner, b"b");
}
