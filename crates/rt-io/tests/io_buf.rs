//! `BufReader`, `BufWriter`, `BufStream`, and the `AsyncBufReadExt` methods over chunked
//! input: `read_until`, `read_line`, `lines`, `split`, `fill_buf`.

mod io_support;

use std::io::{Cursor, ErrorKind, IoSlice, SeekFrom};

use io_support::{MockReader, MockWriter, SlowSeek, Step, poll_once};
use rt::io::{
    AsyncBufReadExt, AsyncReadExt, AsyncSeekExt, AsyncWrite, AsyncWriteExt, BufReader, BufStream,
    BufWriter,
};

#[rt::test]
async fn buf_reader_small_reads_come_from_the_buffer() {
    let mut rd = BufReader::with_capacity(8, MockReader::chunked(b"0123456789", 10));
    let mut b = [0u8; 2];
    rd.read_exact(&mut b).await.unwrap();
    assert_eq!(&b, b"01");
    assert_eq!(
        rd.buffer(),
        b"234567",
        "filled to its capacity, 2 handed out"
    );
    let reads = rd.get_ref().reads;
    rd.read_exact(&mut b).await.unwrap();
    assert_eq!(rd.get_ref().reads, reads, "served from the buffer");
}

#[rt::test]
async fn buf_reader_large_read_bypasses_empty_buffer() {
    let mut rd = BufReader::with_capacity(4, MockReader::new([Step::Data(b"0123456789".to_vec())]));
    let mut b = [0u8; 10];
    assert_eq!(
        rd.read(&mut b).await.unwrap(),
        10,
        "one read, straight from the inner reader"
    );
    assert!(rd.buffer().is_empty());
}

#[rt::test]
async fn buf_reader_large_read_drains_buffer_first() {
    let mut rd = BufReader::with_capacity(4, &b"0123456789"[..]);
    assert_eq!(rd.fill_buf().await.unwrap(), b"0123");
    rd.consume(1);
    let mut b = [0u8; 10];
    assert_eq!(
        rd.read(&mut b).await.unwrap(),
        3,
        "the buffered bytes come first"
    );
    assert_eq!(&b[..3], b"123");
    assert_eq!(rd.read(&mut b).await.unwrap(), 6);
    assert_eq!(&b[..6], b"456789");
}

#[rt::test]
async fn buf_reader_seek_discards_the_buffer_and_accounts_for_it() {
    let mut rd = BufReader::with_capacity(4, SlowSeek::new(b"0123456789".to_vec()));
    assert_eq!(rd.read_u8().await.unwrap(), b'0');
    assert_eq!(rd.buffer(), b"123");
    // The logical position is 1, though the inner reader is at 4.
    assert_eq!(rd.stream_position().await.unwrap(), 1);
    assert!(rd.buffer().is_empty(), "seeking discards the buffer");
    assert_eq!(rd.seek(SeekFrom::Current(2)).await.unwrap(), 3);
    assert_eq!(rd.read_u8().await.unwrap(), b'3');
    assert_eq!(rd.seek(SeekFrom::Start(8)).await.unwrap(), 8);
    assert_eq!(rd.read_u8().await.unwrap(), b'8');
    assert_eq!(rd.seek(SeekFrom::End(-3)).await.unwrap(), 7);
    assert_eq!(rd.into_inner().inner.position(), 7);
}

#[rt::test]
async fn buf_reader_seek_current_overflow_takes_two_steps() {
    let mut rd = BufReader::with_capacity(4, Cursor::new(vec![0u8; 64]));
    rd.seek(SeekFrom::Start(40)).await.unwrap();
    rd.fill_buf().await.unwrap();
    // `i64::MIN - remainder` overflows: seek back by the remainder, then by `n` (an error).
    assert!(rd.seek(SeekFrom::Current(i64::MIN)).await.is_err());
}

#[rt::test]
async fn buf_writer_buffers_until_full_and_large_writes_bypass() {
    let mut wr = BufWriter::with_capacity(8, MockWriter::new(100, false));
    wr.write_all(b"abc").await.unwrap();
    assert_eq!(wr.buffer(), b"abc");
    assert!(wr.get_ref().data.is_empty());
    wr.write_all(b"defgh").await.unwrap();
    assert_eq!(wr.buffer(), b"abcdefgh", "exactly full is still buffered");
    wr.write_all(b"i").await.unwrap();
    assert_eq!(wr.get_ref().data, b"abcdefgh", "flushed to make room");
    assert_eq!(wr.buffer(), b"i");
    wr.write_all(b"0123456789").await.unwrap();
    assert_eq!(
        wr.get_ref().data,
        b"abcdefghi0123456789",
        "buffer first, then direct"
    );
    assert!(wr.buffer().is_empty());
    wr.flush().await.unwrap();
    assert_eq!(wr.get_ref().flushes, 1);
}

#[rt::test]
async fn buf_writer_flushes_through_short_writes_and_shutdown_flushes() {
    let mut wr = BufWriter::with_capacity(16, MockWriter::new(3, true));
    wr.write_all(b"0123456789").await.unwrap();
    wr.shutdown().await.unwrap();
    assert_eq!(wr.get_ref().data, b"0123456789");
    assert_eq!(wr.get_ref().shutdowns, 1);
}

#[rt::test]
async fn buf_writer_write_zero_while_flushing() {
    let mut inner = MockWriter::new(100, false);
    inner.capacity = Some(2);
    let mut wr = BufWriter::with_capacity(4, inner);
    wr.write_all(b"abcd").await.unwrap();
    assert_eq!(wr.flush().await.unwrap_err().kind(), ErrorKind::WriteZero);
    assert_eq!(
        wr.buffer(),
        b"cd",
        "what was written is dropped from the buffer"
    );
}

#[rt::test]
async fn buf_writer_vectored() {
    let mut wr = BufWriter::with_capacity(8, MockWriter::new(100, false));
    assert!(wr.is_write_vectored());
    let n = wr
        .write_vectored(&[
            IoSlice::new(b""),
            IoSlice::new(b"abc"),
            IoSlice::new(b"defghij"),
        ])
        .await
        .unwrap();
    assert_eq!(n, 8, "as much as fits");
    assert_eq!(wr.buffer(), b"abcdefgh");

    let mut wr = BufWriter::with_capacity(4, Vec::new());
    let n = wr
        .write_vectored(&[IoSlice::new(b"ab"), IoSlice::new(b"cdef")])
        .await
        .unwrap();
    assert_eq!(n, 6, "a vectored inner writer takes it all directly");
    assert_eq!(wr.get_ref(), b"abcdef");
}

#[rt::test]
async fn buf_writer_seek_writes_out_first() {
    let mut wr = BufWriter::new(Cursor::new(vec![0u8; 8]));
    wr.write_all(b"ab").await.unwrap();
    assert_eq!(wr.seek(SeekFrom::Start(6)).await.unwrap(), 6);
    wr.write_all(b"yz").await.unwrap();
    wr.flush().await.unwrap();
    assert_eq!(wr.get_ref().get_ref(), b"ab\0\0\0\0yz");
}

#[rt::test]
async fn buf_stream_buffers_both_ways() {
    let (a, mut b) = rt::io::duplex(64);
    let mut s = BufStream::with_capacity(8, 8, a);
    s.write_all(b"hi").await.unwrap();
    b.write_all(b"line\nrest").await.unwrap();
    let mut line = String::new();
    s.read_line(&mut line).await.unwrap();
    assert_eq!(line, "line\n");
    s.flush().await.unwrap();
    let mut got = [0u8; 2];
    b.read_exact(&mut got).await.unwrap();
    assert_eq!(&got, b"hi");

    let swapped: BufStream<_> = BufWriter::new(BufReader::new(Cursor::new(b"xy".to_vec()))).into();
    let mut swapped = swapped;
    assert_eq!(swapped.read_u8().await.unwrap(), b'x');
    let _ = swapped.into_inner();
}

#[rt::test]
async fn read_until_over_chunks() {
    let mut rd = BufReader::with_capacity(3, MockReader::chunked(b"ab,cdefg,h", 2));
    let mut buf = Vec::new();
    assert_eq!(rd.read_until(b',', &mut buf).await.unwrap(), 3);
    assert_eq!(buf, b"ab,");
    assert_eq!(rd.read_until(b',', &mut buf).await.unwrap(), 6);
    assert_eq!(buf, b"ab,cdefg,");
    assert_eq!(rd.read_until(b',', &mut buf).await.unwrap(), 1);
    assert_eq!(rd.read_until(b',', &mut buf).await.unwrap(), 0);
}

#[test]
fn read_until_cancelled_keeps_partial_bytes() {
    let mut rd = BufReader::new(MockReader::new([
        Step::Data(b"par".to_vec()),
        Step::Pending,
    ]));
    let mut buf = Vec::new();
    {
        let mut fut = Box::pin(rd.read_until(b'\n', &mut buf));
        assert!(poll_once(&mut fut).is_pending());
    }
    assert_eq!(buf, b"par");
}

#[rt::test]
async fn read_line_appends_and_handles_invalid_utf8() {
    let mut rd = BufReader::with_capacity(2, MockReader::chunked("héllo\nwörld".as_bytes(), 1));
    let mut s = String::from("> ");
    assert_eq!(rd.read_line(&mut s).await.unwrap(), 7);
    assert_eq!(s, "> héllo\n");
    assert_eq!(rd.read_line(&mut s).await.unwrap(), 6);
    assert_eq!(s, "> héllo\nwörld");
    assert_eq!(rd.read_line(&mut s).await.unwrap(), 0);

    let mut bad: &[u8] = b"ok\xff\n";
    let mut s = String::from("keep");
    let err = bad.read_line(&mut s).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidData);
    assert_eq!(s, "keep");
}

#[rt::test]
async fn read_line_io_error_keeps_valid_bytes() {
    let mut rd = BufReader::new(MockReader::new([
        Step::Data(b"abc".to_vec()),
        Step::Error(ErrorKind::ConnectionReset),
    ]));
    let mut s = String::new();
    assert!(rd.read_line(&mut s).await.is_err());
    assert_eq!(s, "abc");
}

#[rt::test]
async fn lines_over_chunked_input() {
    let input = b"first\r\nsecond\n\nlast";
    for chunk in 1..=input.len() {
        let rd = BufReader::with_capacity(3, MockReader::chunked(input, chunk));
        let mut lines = rd.lines();
        let mut all = Vec::new();
        while let Some(line) = lines.next_line().await.unwrap() {
            all.push(line);
        }
        assert_eq!(all, ["first", "second", "", "last"], "chunk {chunk}");
        let _ = lines.get_ref();
        let _ = lines.get_mut();
        let _inner = lines.into_inner();
    }
}

#[rt::test]
async fn lines_invalid_utf8_is_an_error_then_continues() {
    let mut lines = (&b"a\n\xff\nb\n"[..]).lines();
    assert_eq!(lines.next_line().await.unwrap().as_deref(), Some("a"));
    assert_eq!(
        lines.next_line().await.unwrap_err().kind(),
        ErrorKind::InvalidData
    );
    assert_eq!(lines.next_line().await.unwrap().as_deref(), Some("b"));
    assert_eq!(lines.next_line().await.unwrap(), None);
}

#[test]
fn lines_is_cancel_safe() {
    let rd = BufReader::new(MockReader::new([
        Step::Data(b"hal".to_vec()),
        Step::Pending,
        Step::Data(b"f\n".to_vec()),
    ]));
    let mut lines = rd.lines();
    {
        let mut fut = Box::pin(lines.next_line());
        assert!(poll_once(&mut fut).is_pending());
    }
    let mut fut = Box::pin(lines.next_line());
    match poll_once(&mut fut) {
        std::task::Poll::Ready(Ok(Some(line))) => assert_eq!(line, "half"),
        other => panic!("unexpected {other:?}"),
    }
}

#[rt::test]
async fn split_over_chunked_input() {
    let input = b"a,,bc,d,";
    for chunk in 1..=input.len() {
        let rd = BufReader::with_capacity(2, MockReader::chunked(input, chunk));
        let mut split = rd.split(b',');
        let mut all = Vec::new();
        while let Some(seg) = split.next_segment().await.unwrap() {
            all.push(String::from_utf8(seg).unwrap());
        }
        assert_eq!(all, ["a", "", "bc", "d"], "chunk {chunk}");
    }
}

#[rt::test]
async fn take_and_chain_as_buf_readers() {
    let mut take = (&b"hello world"[..]).take(5);
    assert_eq!(take.fill_buf().await.unwrap(), b"hello");
    take.consume(100);
    assert_eq!(take.limit(), 0);
    assert_eq!(take.fill_buf().await.unwrap(), b"");

    let mut chain = (&b"ab"[..]).chain(&b"cd"[..]);
    assert_eq!(chain.fill_buf().await.unwrap(), b"ab");
    chain.consume(2);
    assert_eq!(chain.fill_buf().await.unwrap(), b"cd");
    let mut s = String::new();
    chain.read_line(&mut s).await.unwrap();
    assert_eq!(s, "cd");
}
