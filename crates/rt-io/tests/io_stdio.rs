//! `stdout` and `stderr` through the blocking pool (stdin would need a terminal or pipe).

use rt::io::{AsyncWrite, AsyncWriteExt};

#[rt::test]
async fn stdout_writes_and_flush_waits() {
    let mut out = rt::io::stdout();
    for i in 0..10 {
        let line = format!("io_stdio line {i}\n");
        out.write_all(line.as_bytes()).await.unwrap();
    }
    out.flush().await.unwrap();
    out.shutdown().await.unwrap();
    assert!(!out.is_write_vectored());
}

#[rt::test]
async fn stderr_writes_and_flushes() {
    let mut err = rt::io::stderr();
    err.write_all(b"io_stdio to stderr\n").await.unwrap();
    err.flush().await.unwrap();
}

#[rt::test]
async fn empty_write_is_zero_and_flush_without_writes_is_immediate() {
    let mut out = rt::io::stdout();
    assert_eq!(out.write(b"").await.unwrap(), 0);
    out.flush().await.unwrap();
}

#[test]
fn handles_expose_the_standard_descriptors() {
    use std::os::fd::{AsFd, AsRawFd};
    let rt = rt::runtime::Builder::new_current_thread().build().unwrap();
    let _guard = rt.enter();
    assert_eq!(rt::io::stdin().as_raw_fd(), 0);
    assert_eq!(rt::io::stdout().as_fd().as_raw_fd(), 1);
    assert_eq!(rt::io::stderr().as_raw_fd(), 2);
}

#[rt::test]
async fn stdin_handle_is_send_and_debug() {
    fn assert_send<T: Send + std::fmt::Debug>(_: &T) {}
    assert_send(&rt::io::stdin());
}

/// Runs in a child process (see `stdin_reads_piped_input_to_eof`): echoes stdin's lines,
/// read through `rt::io::stdin`, to stdout with a prefix.
#[test]
fn stdin_child() {
    if std::env::var_os("RT_IO_STDIN_CHILD").is_none() {
        return;
    }
    use rt::io::{AsyncBufReadExt, BufReader};
    let rt = rt::runtime::Builder::new_current_thread().build().unwrap();
    rt.block_on(async {
        let mut lines = BufReader::with_capacity(3, rt::io::stdin()).lines();
        let mut out = rt::io::stdout();
        while let Some(line) = lines.next_line().await.unwrap() {
            out.write_all(format!("got:{line}\n").as_bytes())
                .await
                .unwrap();
        }
        out.flush().await.unwrap();
    });
}

#[test]
fn stdin_reads_piped_input_to_eof() {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "stdin_child", "--nocapture", "--test-threads=1"])
        .env("RT_IO_STDIN_CHILD", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    input.write_all(b"alpha\nbeta gamma\n\nlast").unwrap();
    drop(input);
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success());
    let stdout = String::from_utf8(output.stdout).unwrap();
    // The harness prints "test stdin_child ... " before the child's first line.
    let got: Vec<&str> = stdout
        .lines()
        .filter_map(|l| l.find("got:").map(|i| &l[i..]))
        .collect();
    assert_eq!(got, ["got:alpha", "got:beta gamma", "got:", "got:last"]);
}
