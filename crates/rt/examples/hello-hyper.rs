//! A hyper 1.x HTTP/1 server on rt, through the small adapter in `hyper_rt`.
//!
//! ```text
//! cargo run -p rt --example hello-hyper            # serves http://127.0.0.1:3000 until killed
//! cargo run -p rt --example hello-hyper -- 0 1     # any free port; exits after one request
//! ```

pub mod hyper_rt;

use std::convert::Infallible;
use std::io;

use http_body_util::Full;
use hyper::body::{Bytes, Incoming};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_rt::{RtIo, RtTimer};
use rt::net::TcpListener;

async fn hello(request: Request<Incoming>) -> Result<Response<Full<Bytes>>, Infallible> {
    let body = format!("Hello from rt! You asked for {}\n", request.uri().path());
    Ok(Response::new(Full::new(Bytes::from(body))))
}

/// Serves `hello` on `listener`, one task per connection; with `max_connections`, returns
/// after serving that many to the end.
pub async fn serve(listener: TcpListener, max_connections: Option<usize>) -> io::Result<usize> {
    let mut served = 0;
    while max_connections.is_none_or(|max| served < max) {
        let (stream, _) = listener.accept().await?;
        served += 1;
        let connection = http1::Builder::new()
            .timer(RtTimer)
            .serve_connection(RtIo(stream), service_fn(hello));
        let task = rt::spawn(async move {
            if let Err(e) = connection.await {
                eprintln!("connection error: {e}");
            }
        });
        if max_connections.is_some() {
            task.await.expect("connection task");
        }
    }
    Ok(served)
}

#[rt::main]
async fn main() -> io::Result<()> {
    let mut args = std::env::args().skip(1);
    let port: u16 = args
        .next()
        .map_or(3000, |p| p.parse().expect("a port number"));
    let max_connections: Option<usize> = args.next().map(|n| n.parse().expect("a count"));

    let listener = TcpListener::bind(("127.0.0.1", port)).await?;
    println!("listening on http://{}", listener.local_addr()?);
    let served = serve(listener, max_connections).await?;
    println!("served {served} connection(s)");
    Ok(())
}
