//! `File` and `OpenOptions`: reads, writes and seeks through the blocking pool, the
//! buffer's behaviour between them, and the `&self` methods.

mod fs_support;

use std::future::poll_fn;
use std::io::{ErrorKind, IoSlice, SeekFrom};
use std::pin::Pin;
use std::task::Poll;
use std::time::Duration;

use fs_support::{TempDir, pattern};
use rt::io::{AsyncRead, AsyncReadExt, AsyncSeek, AsyncSeekExt, AsyncWrite, AsyncWriteExt};
use rt_fs::{File, OpenOptions};

async fn read_write(path: &std::path::Path) -> File {
    OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(true)
        .open(path)
        .await
        .unwrap()
}

#[rt::test]
async fn write_flush_then_read_back() {
    let dir = TempDir::new("file-rw");
    let path = dir.join("f");
    let mut file = File::create(&path).await.unwrap();
    file.write_all(b"hello, ").await.unwrap();
    file.write_all(b"world").await.unwrap();
    file.flush().await.unwrap();
    drop(file);

    let mut file = File::open(&path).await.unwrap();
    let mut contents = String::new();
    file.read_to_string(&mut contents).await.unwrap();
    assert_eq!(contents, "hello, world");
    // At the end, reads return 0.
    let mut buf = [0u8; 8];
    assert_eq!(file.read(&mut buf).await.unwrap(), 0);
}

#[rt::test]
async fn read_after_write_sees_the_write_without_flush() {
    let dir = TempDir::new("file-rw-noflush");
    let mut file = read_write(&dir.join("f")).await;
    file.write_all(b"0123456789").await.unwrap();
    // The seek waits for the write in the background.
    assert_eq!(file.seek(SeekFrom::Start(4)).await.unwrap(), 4);
    let mut buf = [0u8; 3];
    file.read_exact(&mut buf).await.unwrap();
    assert_eq!(&buf, b"456");
    assert_eq!(file.stream_position().await.unwrap(), 7);
}

#[rt::test]
async fn seek_variants() {
    let dir = TempDir::new("file-seek");
    let mut file = read_write(&dir.join("f")).await;
    file.write_all(b"abcdefghij").await.unwrap();
    assert_eq!(file.seek(SeekFrom::End(-3)).await.unwrap(), 7);
    let mut buf = [0u8; 3];
    file.read_exact(&mut buf).await.unwrap();
    assert_eq!(&buf, b"hij");
    assert_eq!(file.seek(SeekFrom::Current(-5)).await.unwrap(), 5);
    file.write_all(b"XY").await.unwrap();
    file.rewind().await.unwrap();
    let mut all = String::new();
    file.read_to_string(&mut all).await.unwrap();
    assert_eq!(all, "abcdeXYhij");
    // Seeking before the start fails and leaves the file usable.
    let err = file.seek(SeekFrom::Current(-100)).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    assert_eq!(file.seek(SeekFrom::Start(1)).await.unwrap(), 1);
}

/// Starts a 10-byte read and abandons it after one poll, so the bytes it brings stay in
/// the file's buffer. If the blocking pool was quick enough to finish within that poll,
/// gives the bytes back with a seek and tries again.
async fn start_read_ahead(file: &mut File) {
    loop {
        let mut big = [0u8; 10];
        let filled = poll_fn(|cx| {
            let mut dst = rt::io::ReadBuf::new(&mut big);
            match Pin::new(&mut *file).poll_read(cx, &mut dst) {
                Poll::Pending => Poll::Ready(None),
                Poll::Ready(res) => {
                    res.unwrap();
                    Poll::Ready(Some(dst.filled().len()))
                }
            }
        })
        .await;
        match filled {
            None => return,
            Some(n) => {
                file.seek(SeekFrom::Current(-(n as i64))).await.unwrap();
            }
        }
    }
}

/// Bytes read ahead (for a read whose future was dropped) are given back before a write
/// or a relative seek, so the file behaves as if only the bytes handed out were read.
#[rt::test]
async fn read_ahead_is_given_back_to_writes_and_seeks() {
    let dir = TempDir::new("file-readahead");
    let path = dir.join("f");
    rt_fs::write(&path, b"0123456789").await.unwrap();
    let mut file = OpenOptions::new()
        .read(true)
        .write(true)
        .open(&path)
        .await
        .unwrap();

    // Start a 10-byte read and abandon it after one poll.
    start_read_ahead(&mut file).await;

    // The next read is served from what that read brought.
    let mut two = [0u8; 2];
    file.read_exact(&mut two).await.unwrap();
    assert_eq!(&two, b"01");
    assert_eq!(file.stream_position().await.unwrap(), 2);

    let mut one = [0u8; 1];
    file.read_exact(&mut one).await.unwrap();
    assert_eq!(&one, b"2");
    // Read ahead again, then write: the write lands right after the "2".
    start_read_ahead(&mut file).await;
    file.read_exact(&mut one).await.unwrap();
    assert_eq!(&one, b"3");
    file.write_all(b"XY").await.unwrap();
    file.flush().await.unwrap();
    assert_eq!(rt_fs::read(&path).await.unwrap(), b"0123XY6789");
}

#[rt::test]
async fn flush_makes_data_visible_to_others() {
    let dir = TempDir::new("file-flush");
    let path = dir.join("f");
    let mut file = File::create(&path).await.unwrap();
    file.write_all(b"flushed").await.unwrap();
    file.flush().await.unwrap();
    // Visible through another handle while this one is still open...
    assert_eq!(rt_fs::read(&path).await.unwrap(), b"flushed");
    drop(file);
    // ...and after it is closed.
    assert_eq!(rt_fs::read(&path).await.unwrap(), b"flushed");
}

/// Tokio's contract: data written and not flushed may be lost if the runtime stops. While
/// the runtime runs, the background write of a dropped file still completes.
#[rt::test]
async fn dropped_without_flush_write_still_completes_in_the_background() {
    let dir = TempDir::new("file-drop");
    let path = dir.join("f");
    let mut file = File::create(&path).await.unwrap();
    file.write_all(b"unflushed").await.unwrap();
    drop(file);
    for _ in 0..500 {
        if rt_fs::read(&path).await.unwrap() == b"unflushed" {
            return;
        }
        rt::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("the background write never landed");
}

#[rt::test]
async fn shutdown_flushes() {
    let dir = TempDir::new("file-shutdown");
    let path = dir.join("f");
    let mut file = File::create(&path).await.unwrap();
    file.write_all(b"bye").await.unwrap();
    file.shutdown().await.unwrap();
    assert_eq!(rt_fs::read(&path).await.unwrap(), b"bye");
}

#[rt::test]
async fn vectored_writes() {
    let dir = TempDir::new("file-vectored");
    let path = dir.join("f");
    let mut file = File::create(&path).await.unwrap();
    assert!(file.is_write_vectored());
    let bufs = [IoSlice::new(b"ab"), IoSlice::new(b""), IoSlice::new(b"cde")];
    let n = file.write_vectored(&bufs).await.unwrap();
    assert_eq!(n, 5);
    file.flush().await.unwrap();
    assert_eq!(rt_fs::read(&path).await.unwrap(), b"abcde");
}

#[rt::test]
async fn small_max_buf_size_splits_writes_and_reads() {
    let dir = TempDir::new("file-maxbuf");
    let path = dir.join("f");
    let mut file = read_write(&path).await;
    file.set_max_buf_size(3);
    assert_eq!(file.max_buf_size(), 3);
    // One write moves at most 3 bytes.
    assert_eq!(file.write(b"abcdefgh").await.unwrap(), 3);
    file.write_all(b"defgh").await.unwrap();
    file.rewind().await.unwrap();
    let mut buf = [0u8; 8];
    assert_eq!(file.read(&mut buf).await.unwrap(), 3);
    let mut all = vec![];
    file.rewind().await.unwrap();
    file.read_to_end(&mut all).await.unwrap();
    assert_eq!(all, b"abcdefgh");
}

#[rt::test]
#[should_panic = "`max_buf_size` must be greater than 0"]
async fn zero_max_buf_size_panics() {
    let dir = TempDir::new("file-maxbuf0");
    let mut file = File::create(dir.join("f")).await.unwrap();
    file.set_max_buf_size(0);
}

#[rt::test(flavor = "multi_thread", worker_threads = 2)]
async fn large_file_copied_in_chunks() {
    const LEN: usize = 8 * 1024 * 1024;
    const CHUNK: usize = 64 * 1024;
    let dir = TempDir::new("file-large");
    let data = pattern(LEN);

    let mut src = File::create(dir.join("src")).await.unwrap();
    for chunk in data.chunks(CHUNK) {
        src.write_all(chunk).await.unwrap();
    }
    src.flush().await.unwrap();
    drop(src);
    assert_eq!(
        rt_fs::metadata(dir.join("src")).await.unwrap().len(),
        LEN as u64
    );

    let mut src = File::open(dir.join("src")).await.unwrap();
    let mut dst = File::create(dir.join("dst")).await.unwrap();
    let mut buf = vec![0u8; CHUNK];
    let mut total = 0;
    loop {
        let n = src.read(&mut buf).await.unwrap();
        if n == 0 {
            break;
        }
        dst.write_all(&buf[..n]).await.unwrap();
        total += n;
    }
    dst.flush().await.unwrap();
    assert_eq!(total, LEN);
    assert!(rt_fs::read(dir.join("dst")).await.unwrap() == data);

    // And in one piece, through the free function.
    assert_eq!(
        rt_fs::copy(dir.join("src"), dir.join("dst2"))
            .await
            .unwrap(),
        LEN as u64
    );
    assert!(rt_fs::read(dir.join("dst2")).await.unwrap() == data);
}

#[rt::test]
async fn large_read_to_end_through_the_buffer() {
    let dir = TempDir::new("file-large-read");
    let data = pattern(5 * 1024 * 1024 + 17);
    rt_fs::write(dir.join("f"), &data).await.unwrap();
    let mut file = File::open(dir.join("f")).await.unwrap();
    let mut back = Vec::new();
    file.read_to_end(&mut back).await.unwrap();
    assert!(back == data);
}

#[rt::test]
async fn set_len_shrinks_and_extends() {
    let dir = TempDir::new("file-setlen");
    let path = dir.join("f");
    let mut file = read_write(&path).await;
    file.write_all(b"0123456789").await.unwrap();
    // set_len waits for the write in the background first.
    file.set_len(4).await.unwrap();
    assert_eq!(file.metadata().await.unwrap().len(), 4);
    file.set_len(8).await.unwrap();
    assert_eq!(rt_fs::read(&path).await.unwrap(), b"0123\0\0\0\0");
    // The position is unchanged (10, past the new end).
    assert_eq!(file.stream_position().await.unwrap(), 10);
}

#[rt::test]
async fn set_len_keeps_the_position_after_read_ahead() {
    let dir = TempDir::new("file-setlen-ra");
    let path = dir.join("f");
    rt_fs::write(&path, b"0123456789").await.unwrap();
    let mut file = OpenOptions::new()
        .read(true)
        .write(true)
        .open(&path)
        .await
        .unwrap();
    start_read_ahead(&mut file).await;
    let mut two = [0u8; 2];
    file.read_exact(&mut two).await.unwrap();
    file.set_len(6).await.unwrap();
    assert_eq!(file.stream_position().await.unwrap(), 2);
    let mut rest = String::new();
    file.read_to_string(&mut rest).await.unwrap();
    assert_eq!(rest, "2345");
}

#[rt::test]
async fn set_len_on_a_read_only_file_fails() {
    let dir = TempDir::new("file-setlen-ro");
    let path = dir.join("f");
    rt_fs::write(&path, b"abc").await.unwrap();
    let file = File::open(&path).await.unwrap();
    assert!(file.set_len(1).await.is_err());
    assert_eq!(rt_fs::read(&path).await.unwrap(), b"abc");
}

#[rt::test]
async fn background_write_error_is_reported_by_the_next_operation() {
    let dir = TempDir::new("file-write-err");
    let path = dir.join("f");
    rt_fs::write(&path, b"abc").await.unwrap();
    // Opened for reading only: the write is accepted into the buffer, and fails on the
    // blocking pool.
    let mut file = File::open(&path).await.unwrap();
    assert_eq!(file.write(b"xyz").await.unwrap(), 3);
    assert!(file.flush().await.is_err());
    // Reported once.
    file.flush().await.unwrap();

    // A second write reports the first one's error.
    assert_eq!(file.write(b"xyz").await.unwrap(), 3);
    assert!(file.write(b"xyz").await.is_err());

    // A seek between the write and the flush keeps the error for the flush.
    assert_eq!(file.write(b"xyz").await.unwrap(), 3);
    file.seek(SeekFrom::Start(0)).await.unwrap();
    assert!(file.flush().await.is_err());
    file.flush().await.unwrap();
    assert_eq!(rt_fs::read(&path).await.unwrap(), b"abc");
}

/// A write error kept for later while another operation is in flight: the `&self`
/// methods must still wait for that operation before using the slot.
#[rt::test]
async fn set_len_waits_for_a_seek_in_flight_behind_a_kept_write_error() {
    let dir = TempDir::new("file-kept-err");
    let path = dir.join("f");
    rt_fs::write(&path, b"abc").await.unwrap();
    let mut file = File::open(&path).await.unwrap();
    // Fails in the background: the file is read-only.
    file.write_all(b"xyz").await.unwrap();
    let mut pinned = Pin::new(&mut file);
    // Collects the failed write (keeping its error), then starts a seek and leaves it.
    poll_fn(|cx| pinned.as_mut().poll_complete(cx))
        .await
        .unwrap();
    pinned.as_mut().start_seek(SeekFrom::Start(1)).unwrap();

    file.sync_all().await.unwrap();
    assert!(file.set_len(0).await.is_err());
    assert!(file.flush().await.is_err());
    file.flush().await.unwrap();
    assert_eq!(file.stream_position().await.unwrap(), 1);
}

#[rt::test]
async fn start_seek_while_busy_is_an_error() {
    let dir = TempDir::new("file-seek-busy");
    let mut file = File::create(dir.join("f")).await.unwrap();
    file.write_all(b"abc").await.unwrap();
    let mut pinned = Pin::new(&mut file);
    // The write is still in flight, or done and not collected.
    assert!(pinned.as_mut().start_seek(SeekFrom::Start(0)).is_err());
    pinned.flush().await.unwrap();
    pinned.as_mut().start_seek(SeekFrom::Start(0)).unwrap();
    let err = pinned.as_mut().start_seek(SeekFrom::Start(1)).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Other);
    let pos = poll_fn(|cx| pinned.as_mut().poll_complete(cx))
        .await
        .unwrap();
    assert_eq!(pos, 0);
}

#[rt::test]
async fn open_errors() {
    let dir = TempDir::new("file-open-err");
    let err = File::open(dir.join("missing")).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);

    rt_fs::write(dir.join("exists"), b"").await.unwrap();
    let err = File::create_new(dir.join("exists")).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::AlreadyExists);

    // truncate without write access is invalid.
    let err = OpenOptions::new()
        .read(true)
        .truncate(true)
        .open(dir.join("exists"))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
}

#[rt::test]
async fn create_new_creates_read_write() {
    let dir = TempDir::new("file-create-new");
    let mut file = File::create_new(dir.join("f")).await.unwrap();
    file.write_all(b"new").await.unwrap();
    file.rewind().await.unwrap();
    let mut back = String::new();
    file.read_to_string(&mut back).await.unwrap();
    assert_eq!(back, "new");
}

#[rt::test]
async fn open_options_append_mode_and_custom_flags() {
    use std::os::unix::fs::PermissionsExt;

    let dir = TempDir::new("file-options");
    let path = dir.join("f");
    let mut file = File::options()
        .append(true)
        .create(true)
        .mode(0o640)
        .custom_flags(0)
        .open(&path)
        .await
        .unwrap();
    file.write_all(b"one ").await.unwrap();
    file.flush().await.unwrap();
    drop(file);
    let mode = rt_fs::metadata(&path).await.unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o640 & !umask());

    let mut options = std::fs::OpenOptions::new();
    options.append(true);
    let mut file = OpenOptions::from(options).open(&path).await.unwrap();
    file.write_all(b"two").await.unwrap();
    file.flush().await.unwrap();
    assert_eq!(rt_fs::read(&path).await.unwrap(), b"one two");
}

/// The process's umask, read from a directory created with mode 0o777.
fn umask() -> u32 {
    use std::os::unix::fs::{DirBuilderExt, PermissionsExt};

    let dir = TempDir::new("umask");
    let probe = dir.join("probe");
    std::fs::DirBuilder::new()
        .mode(0o777)
        .create(&probe)
        .unwrap();
    let mode = std::fs::metadata(&probe).unwrap().permissions().mode();
    !mode & 0o777
}

#[rt::test]
async fn file_moves_between_sequential_tasks() {
    let dir = TempDir::new("file-tasks");
    let file = read_write(&dir.join("f")).await;
    let file = rt::spawn(async move {
        let mut file = file;
        file.write_all(b"from task one").await.unwrap();
        // No flush: the next task's seek waits for the write.
        file
    })
    .await
    .unwrap();
    let contents = rt::spawn(async move {
        let mut file = file;
        file.rewind().await.unwrap();
        let mut contents = String::new();
        file.read_to_string(&mut contents).await.unwrap();
        contents
    })
    .await
    .unwrap();
    assert_eq!(contents, "from task one");
}

#[rt::test(flavor = "multi_thread", worker_threads = 2)]
async fn file_moves_between_tasks_on_the_multi_thread_runtime() {
    let dir = TempDir::new("file-tasks-mt");
    let mut file = read_write(&dir.join("f")).await;
    for i in 0..20u8 {
        file = rt::spawn(async move {
            file.write_all(&[b'a' + i]).await.unwrap();
            file
        })
        .await
        .unwrap();
    }
    file.flush().await.unwrap();
    let expected: Vec<u8> = (0..20u8).map(|i| b'a' + i).collect();
    assert_eq!(rt_fs::read(dir.join("f")).await.unwrap(), expected);
}

#[rt::test]
async fn sync_all_and_sync_data() {
    let dir = TempDir::new("file-sync");
    let path = dir.join("f");
    let mut file = File::create(&path).await.unwrap();
    file.write_all(b"synced").await.unwrap();
    file.sync_all().await.unwrap();
    // sync_all waited for the write.
    assert_eq!(rt_fs::read(&path).await.unwrap(), b"synced");
    file.write_all(b"!").await.unwrap();
    file.sync_data().await.unwrap();
    assert_eq!(rt_fs::read(&path).await.unwrap(), b"synced!");
}

/// The `&self` methods take turns on the operation slot.
#[rt::test(flavor = "multi_thread", worker_threads = 2)]
async fn shared_methods_run_concurrently_on_one_file() {
    let dir = TempDir::new("file-shared");
    let path = dir.join("f");
    let mut file = read_write(&path).await;
    file.write_all(&pattern(100_000)).await.unwrap();
    let file = std::sync::Arc::new(file);
    let mut tasks = Vec::new();
    for i in 0..8u64 {
        let file = std::sync::Arc::clone(&file);
        tasks.push(rt::spawn(async move {
            for _ in 0..10 {
                match i % 4 {
                    0 => file.sync_all().await.unwrap(),
                    1 => file.sync_data().await.unwrap(),
                    2 => file.set_len(50_000 + i).await.unwrap(),
                    _ => drop(file.try_clone().await.unwrap()),
                }
            }
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
    let len = file.metadata().await.unwrap().len();
    assert!(len == 50_002 || len == 50_006, "len {len}");
}

#[rt::test]
async fn try_clone_shares_the_position() {
    let dir = TempDir::new("file-clone");
    let path = dir.join("f");
    rt_fs::write(&path, b"abcdef").await.unwrap();
    let mut file = File::open(&path).await.unwrap();
    let mut clone = file.try_clone().await.unwrap();
    let mut two = [0u8; 2];
    file.read_exact(&mut two).await.unwrap();
    clone.read_exact(&mut two).await.unwrap();
    assert_eq!(&two, b"cd");
}

#[rt::test]
async fn into_std_waits_and_try_into_std_refuses_while_busy() {
    use std::io::Read;

    let dir = TempDir::new("file-into-std");
    let path = dir.join("f");
    let mut file = read_write(&path).await;
    file.write_all(b"abc").await.unwrap();
    // A write is in flight (or done and not collected): not now.
    let file = file.try_into_std().unwrap_err();
    let mut std_file = file.into_std().await;
    let mut contents = String::new();
    std::io::Seek::rewind(&mut std_file).unwrap();
    std_file.read_to_string(&mut contents).unwrap();
    assert_eq!(contents, "abc");

    // Idle: converts at once, both ways.
    let file = File::from(std_file);
    assert!(file.try_into_std().is_ok());
}

#[rt::test]
async fn file_set_permissions_and_metadata() {
    let dir = TempDir::new("file-perm");
    let file = File::create(dir.join("f")).await.unwrap();
    let mut perms = file.metadata().await.unwrap().permissions();
    assert!(!perms.readonly());
    perms.set_readonly(true);
    file.set_permissions(perms).await.unwrap();
    assert!(file.metadata().await.unwrap().permissions().readonly());
}

#[rt::test]
async fn raw_fd_round_trip() {
    use std::os::fd::{AsFd, AsRawFd, FromRawFd, IntoRawFd, OwnedFd};

    let dir = TempDir::new("file-fd");
    let path = dir.join("f");
    rt_fs::write(&path, b"fd").await.unwrap();
    let file = File::open(&path).await.unwrap();
    assert_eq!(file.as_fd().as_raw_fd(), file.as_raw_fd());

    let fd = file.into_std().await.into_raw_fd();
    // SAFETY: `fd` was just released by `into_raw_fd`, and nothing else owns it.
    let mut file = unsafe { File::from_raw_fd(fd) };
    let mut back = String::new();
    file.read_to_string(&mut back).await.unwrap();
    assert_eq!(back, "fd");

    let owned = OwnedFd::from(file.into_std().await);
    let file = File::from(owned);
    assert!(file.metadata().await.unwrap().is_file());
}

#[rt::test]
async fn debug_formats() {
    let dir = TempDir::new("file-debug");
    let file = File::create(dir.join("f")).await.unwrap();
    assert!(format!("{file:?}").starts_with("File"));
    let entries = rt_fs::read_dir(dir.path()).await.unwrap();
    assert!(format!("{entries:?}").starts_with("ReadDir"));
    assert!(format!("{:?}", rt_fs::OpenOptions::new()).starts_with("OpenOptions"));
    assert!(format!("{:?}", rt_fs::DirBuilder::new()).starts_with("DirBuilder"));
}
