//! A TCP echo server: every byte a client sends comes back to it.
//!
//! ```text
//! cargo run -p rt --example echo [-- 127.0.0.1:8080]
//! ```
//!
//! Try it with `nc 127.0.0.1 8080`. One task per connection; a connection's error ends only
//! that connection. Ctrl-C stops accepting and ends the program.

use rt::io::{AsyncReadExt, AsyncWriteExt};
use rt::net::TcpListener;
use rt::signal::unix::{SignalKind, signal};

#[rt::main]
async fn main() -> std::io::Result<()> {
    let addr = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:8080".to_string());
    let listener = TcpListener::bind(&addr).await?;
    println!("echo server listening on {}", listener.local_addr()?);
    // One listener for the whole run: its `recv` is cancel safe, so a Ctrl-C that comes
    // while `select!` runs the other branch is not lost.
    let mut interrupts = signal(SignalKind::interrupt())?;
    loop {
        let (mut stream, peer) = rt::select! {
            accepted = listener.accept() => accepted?,
            _ = interrupts.recv() => {
                println!("Ctrl-C: shutting down");
                return Ok(());
            }
        };
        rt::spawn(async move {
            let mut buf = vec![0u8; 4096];
            loop {
                let n = match stream.read(&mut buf).await {
                    Ok(0) => return,
                    Ok(n) => n,
                    Err(e) => return eprintln!("{peer}: read failed: {e}"),
                };
                if let Err(e) = stream.write_all(&buf[..n]).await {
                    return eprintln!("{peer}: write failed: {e}");
                }
            }
        });
    }
}
