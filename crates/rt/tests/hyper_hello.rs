//! The `hello-hyper` example, served and fetched on rt: hyper's server and client both run
//! on rt through the example's adapter, on every flavour.

#![cfg(feature = "full")]

#[macro_use]
#[path = "support/flavors.rs"]
mod flavors;

#[allow(dead_code)]
#[path = "../examples/hello-hyper.rs"]
mod example;

use http_body_util::{BodyExt, Empty};
use hyper::body::Bytes;
use rt::net::{TcpListener, TcpStream};

use example::hyper_rt::{RtExecutor, RtIo};

/// Fetches `path` from `addr` with hyper's HTTP/1 client; returns status and body.
async fn get(addr: std::net::SocketAddr, path: &str) -> (u16, String) {
    let stream = TcpStream::connect(addr).await.unwrap();
    let (mut sender, connection) = hyper::client::conn::http1::handshake(RtIo(stream))
        .await
        .unwrap();
    hyper::rt::Executor::execute(&RtExecutor, async move {
        connection.await.unwrap();
    });
    let request = hyper::Request::get(path)
        .header("host", addr.to_string())
        .body(Empty::<Bytes>::new())
        .unwrap();
    let response = sender.send_request(request).await.unwrap();
    let status = response.status().as_u16();
    let body = response.into_body().collect().await.unwrap().to_bytes();
    (status, String::from_utf8(body.to_vec()).unwrap())
}

rt_test! {
    #[test]
    fn serves_a_page_to_hypers_client() {
        rt().block_on(async {
            let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
            let addr = listener.local_addr().unwrap();
            let server = rt::spawn(example::serve(listener, Some(1)));
            let (status, body) = get(addr, "/rt").await;
            assert_eq!(status, 200);
            assert_eq!(body, "Hello from rt! You asked for /rt\n");
            assert_eq!(server.await.unwrap().unwrap(), 1);
        });
    }
}
