//! A TCP echo server: every byte a client sends comes back to it.
//!
//! ```text
//! cargo run -p rt --example echo [-- 127.0.0.1:8080]
//! ```
//!
//! Try it with `nc 127.0.0.1 8080`. One task per connection; a connection's error ends only
//! that connection.

use rt::io::{AsyncReadExt, AsyncWriteExt};
use rt::net::TcpListener;

#[rt::main]
async fn main() -> std::io::Result<()> {
    let addr = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:8080".to_string());
    let listener = TcpListener::bind(&addr).await?;
    println!("echo server listening on {}", listener.local_addr()?);
    loop {
        let (mut stream, peer) = listener.accept().await?;
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
