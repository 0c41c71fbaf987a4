//! A user's first program on rt: a chat-room style fan-out over TCP, with a deadline.
//!
//! It depends on `rt` with the `full` feature and nothing else, and touches each layer a
//! newcomer meets on the first day: the runtime and tasks, TCP, timers, channels and a
//! lock, streams, and the macros. `tests/tour.rs` runs the same steps as tests.

use std::sync::Arc;
use std::time::Duration;

use rt::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use rt::net::{TcpListener, TcpStream};
use rt::stream::StreamExt;
use rt::stream::wrappers::ReceiverStream;
use rt::sync::{Mutex, mpsc};

/// A server that greets every line a client sends, counting greetings in a shared lock.
async fn serve(listener: TcpListener, greeted: Arc<Mutex<usize>>) {
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            return;
        };
        let greeted = greeted.clone();
        rt::spawn(async move {
            let (reader, mut writer) = stream.into_split();
            let mut lines = BufReader::new(reader).lines();
            while let Ok(Some(name)) = lines.next_line().await {
                *greeted.lock().await += 1;
                let reply = format!("hello, {name}!\n");
                if writer.write_all(reply.as_bytes()).await.is_err() {
                    return;
                }
            }
        });
    }
}

/// One client: sends its name, reads the greeting back.
async fn client(addr: std::net::SocketAddr, name: String) -> std::io::Result<String> {
    let stream = TcpStream::connect(addr).await?;
    let (reader, mut writer) = stream.into_split();
    writer.write_all(format!("{name}\n").as_bytes()).await?;
    let mut lines = BufReader::new(reader).lines();
    Ok(lines.next_line().await?.unwrap_or_default())
}

#[rt::main]
async fn main() -> std::io::Result<()> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let greeted = Arc::new(Mutex::new(0));
    rt::spawn(serve(listener, greeted.clone()));

    // Ten clients at once; their answers come back through a channel, read as a stream.
    let (tx, rx) = mpsc::channel(10);
    for i in 0..10 {
        let tx = tx.clone();
        rt::spawn(async move {
            let greeting = client(addr, format!("client {i}")).await;
            let _ = tx.send(greeting).await;
        });
    }
    drop(tx);
    let mut answers = ReceiverStream::new(rx);

    let mut received = 0;
    let deadline = rt::time::sleep(Duration::from_secs(5));
    rt::pin!(deadline);
    loop {
        rt::select! {
            answer = answers.next() => match answer {
                Some(greeting) => {
                    println!("{}", greeting?);
                    received += 1;
                }
                None => break,
            },
            () = &mut deadline => {
                eprintln!("gave up waiting after 5 s");
                break;
            }
        }
    }
    println!(
        "{received} clients greeted, the server counted {}",
        *greeted.lock().await
    );
    Ok(())
}
