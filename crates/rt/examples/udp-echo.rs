//! A UDP echo server: every datagram goes back to its sender.
//!
//! ```text
//! cargo run -p rt --example udp-echo [-- 127.0.0.1:8082]
//! ```
//!
//! Try it with `nc -u 127.0.0.1 8082`.

use rt::net::UdpSocket;

#[rt::main]
async fn main() -> std::io::Result<()> {
    let addr = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:8082".to_string());
    let socket = UdpSocket::bind(&addr).await?;
    println!("udp echo listening on {}", socket.local_addr()?);
    let mut buf = vec![0u8; 65_536];
    loop {
        let (n, peer) = socket.recv_from(&mut buf).await?;
        socket.send_to(&buf[..n], peer).await?;
    }
}
