//! A TCP proxy: forwards every connection it accepts to a server, both ways.
//!
//! ```text
//! cargo run -p rt --example proxy [-- <listen address> <server address>]
//! ```
//!
//! Defaults: listens on 127.0.0.1:8081 and forwards to 127.0.0.1:8080 (the `echo`
//! example). Each direction is copied until its end closes; the other end's write half is
//! then shut down, so half-closes pass through.

use rt::io::copy_bidirectional;
use rt::net::{TcpListener, TcpStream};

#[rt::main]
async fn main() -> std::io::Result<()> {
    let mut args = std::env::args().skip(1);
    let listen = args.next().unwrap_or_else(|| "127.0.0.1:8081".to_string());
    let server = args.next().unwrap_or_else(|| "127.0.0.1:8080".to_string());
    let listener = TcpListener::bind(&listen).await?;
    println!("proxy on {} forwarding to {server}", listener.local_addr()?);
    loop {
        let (mut inbound, peer) = listener.accept().await?;
        let server = server.clone();
        rt::spawn(async move {
            let mut outbound = match TcpStream::connect(&server).await {
                Ok(stream) => stream,
                Err(e) => return eprintln!("{peer}: cannot reach {server}: {e}"),
            };
            match copy_bidirectional(&mut inbound, &mut outbound).await {
                Ok((up, down)) => println!("{peer}: {up} bytes up, {down} bytes down"),
                Err(e) => eprintln!("{peer}: {e}"),
            }
        });
    }
}
