//! The wrappers of rt's types: channels, listeners, lines and segments.

#[path = "support/mod.rs"]
mod support;

#[cfg(feature = "sync")]
mod sync {
    use std::task::Poll;

    use rt::sync::{broadcast, mpsc, watch};
    use rt_stream::StreamExt;
    use rt_stream::wrappers::errors::BroadcastStreamRecvError;
    use rt_stream::wrappers::{
        BroadcastStream, ReceiverStream, UnboundedReceiverStream, WatchStream,
    };

    use super::support::poll_next;

    #[rt::test]
    async fn receiver_stream_yields_then_ends() {
        let (tx, rx) = mpsc::channel(8);
        let mut s = ReceiverStream::new(rx);
        assert_eq!(poll_next(&mut s), Poll::Pending);
        tx.send(1).await.unwrap();
        tx.send(2).await.unwrap();
        assert_eq!(s.next().await, Some(1));
        s.close();
        assert!(tx.send(3).await.is_err());
        assert_eq!(s.next().await, Some(2));
        assert_eq!(s.next().await, None);
        let rx: mpsc::Receiver<i32> = s.into_inner();
        drop(rx);

        let (tx, rx) = mpsc::channel::<u8>(1);
        let mut s = ReceiverStream::from(rx);
        assert_eq!(s.as_ref().max_capacity(), 1);
        let _ = s.as_mut();
        drop(tx);
        assert_eq!(s.next().await, None);
    }

    #[rt::test]
    async fn unbounded_receiver_stream_yields_then_ends() {
        let (tx, rx) = mpsc::unbounded_channel();
        let mut s = UnboundedReceiverStream::from(rx);
        tx.send("a").unwrap();
        let sender = rt::spawn(async move {
            rt::task::yield_now().await;
            tx.send("b").unwrap();
        });
        assert_eq!(s.next().await, Some("a"));
        assert_eq!(s.next().await, Some("b"));
        sender.await.unwrap();
        assert_eq!(s.next().await, None);
        s.close();
        let _ = s.as_ref();
        let _ = s.as_mut();
        let _ = s.into_inner();
    }

    #[rt::test]
    async fn broadcast_stream_reports_lag_then_goes_on() {
        let (tx, rx) = broadcast::channel(2);
        let mut s = BroadcastStream::new(rx);
        for n in 1..=4 {
            tx.send(n).unwrap();
        }
        assert_eq!(
            s.next().await,
            Some(Err(BroadcastStreamRecvError::Lagged(2)))
        );
        assert_eq!(s.next().await, Some(Ok(3)));
        assert_eq!(s.next().await, Some(Ok(4)));
        assert_eq!(poll_next(&mut s), Poll::Pending);
        drop(tx);
        assert_eq!(s.next().await, None);
        assert_eq!(s.next().await, None);
        assert_eq!(
            BroadcastStreamRecvError::Lagged(7).to_string(),
            "channel lagged by 7"
        );
    }

    #[rt::test]
    async fn broadcast_stream_wakes_on_send() {
        let (tx, rx) = broadcast::channel(4);
        let mut s = BroadcastStream::from(rx);
        let sender = rt::spawn(async move {
            rt::task::yield_now().await;
            tx.send("hi").unwrap();
        });
        assert_eq!(s.next().await, Some(Ok("hi")));
        sender.await.unwrap();
        assert_eq!(s.next().await, None);
    }

    #[rt::test]
    async fn broadcast_stream_is_send() {
        fn check<T: Send>(_: &T) {}
        let (_tx, rx) = broadcast::channel::<u8>(1);
        check(&BroadcastStream::new(rx));
    }

    #[rt::test(flavor = "multi_thread", worker_threads = 4)]
    async fn stream_map_of_receivers_across_threads() {
        use rt_stream::StreamMap;

        let mut map = StreamMap::new();
        let mut producers = Vec::new();
        for key in 0..4u32 {
            let (tx, rx) = mpsc::channel(2);
            map.insert(key, ReceiverStream::new(rx));
            producers.push(rt::spawn(async move {
                for n in 0..100 {
                    tx.send(n).await.unwrap();
                }
            }));
        }
        let mut next_expected = [0u32; 4];
        while let Some((key, n)) = map.next().await {
            // Each channel keeps its order; the map interleaves them.
            assert_eq!(n, next_expected[key as usize]);
            next_expected[key as usize] += 1;
        }
        assert_eq!(next_expected, [100; 4]);
        for producer in producers {
            producer.await.unwrap();
        }
    }

    #[rt::test]
    async fn watch_stream_yields_current_then_changes() {
        let (tx, rx) = watch::channel(0);
        let mut s = WatchStream::new(rx);
        assert_eq!(s.next().await, Some(0));
        assert_eq!(poll_next(&mut s), Poll::Pending);
        tx.send(1).unwrap();
        tx.send(2).unwrap();
        // Changes between polls are coalesced: only the latest.
        assert_eq!(s.next().await, Some(2));
        assert_eq!(poll_next(&mut s), Poll::Pending);
        drop(tx);
        assert_eq!(s.next().await, None);
    }

    #[rt::test]
    async fn watch_stream_from_changes_skips_the_seen_value() {
        let (tx, mut rx) = watch::channel("old");
        rx.borrow_and_update();
        let mut s = WatchStream::from_changes(rx);
        assert_eq!(poll_next(&mut s), Poll::Pending);
        tx.send("new").unwrap();
        assert_eq!(s.next().await, Some("new"));
    }
}

#[cfg(feature = "net")]
mod net {
    use rt::io::{AsyncReadExt, AsyncWriteExt};
    use rt::net::{TcpListener, TcpStream};
    use rt_stream::StreamExt;
    use rt_stream::wrappers::TcpListenerStream;

    #[rt::test]
    async fn tcp_listener_stream_accepts() {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let mut incoming = TcpListenerStream::new(listener);
        assert_eq!(incoming.as_ref().local_addr().unwrap(), addr);

        let client = rt::spawn(async move {
            let mut stream = TcpStream::connect(addr).await.unwrap();
            stream.write_all(b"ping").await.unwrap();
        });
        let mut server = incoming.next().await.unwrap().unwrap();
        let mut buf = [0; 4];
        server.read_exact(&mut buf).await.unwrap();
        assert_eq!(&buf, b"ping");
        client.await.unwrap();
        let _ = incoming.as_mut();
        let _listener: TcpListener = incoming.into_inner();
    }

    #[cfg(unix)]
    #[rt::test]
    async fn unix_listener_stream_accepts() {
        use rt::net::{UnixListener, UnixStream};
        use rt_stream::wrappers::UnixListenerStream;

        let dir = std::env::temp_dir().join(format!("rt-stream-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("listener.sock");
        let _ = std::fs::remove_file(&path);

        let mut incoming = UnixListenerStream::new(UnixListener::bind(&path).unwrap());
        let mut client = UnixStream::connect(&path).await.unwrap();
        let mut server = incoming.next().await.unwrap().unwrap();
        client.write_all(b"hi").await.unwrap();
        let mut buf = [0; 2];
        server.read_exact(&mut buf).await.unwrap();
        assert_eq!(&buf, b"hi");
        let _ = incoming.as_ref();
        let _ = incoming.as_mut();
        drop(incoming.into_inner());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}

#[cfg(feature = "io-util")]
mod io {
    use rt::io::AsyncBufReadExt;
    use rt_stream::StreamExt;
    use rt_stream::wrappers::{LinesStream, SplitStream};

    #[rt::test]
    async fn lines_stream_yields_lines() {
        let input: &[u8] = b"first\nsecond\r\n\nlast";
        let lines: Vec<String> = LinesStream::new(input.lines())
            .map(Result::unwrap)
            .collect()
            .await;
        assert_eq!(lines, ["first", "second", "", "last"]);

        let mut s = LinesStream::new((&b"x\n"[..]).lines());
        let _ = s.as_ref();
        let _ = s.as_mut();
        assert_eq!(s.next().await.unwrap().unwrap(), "x");
        assert!(s.next().await.is_none());
        let _ = s.into_inner();
    }

    #[rt::test]
    async fn lines_stream_of_a_socket_pair() {
        let (client, server) = rt::io::duplex(64);
        let writer = rt::spawn(async move {
            use rt::io::AsyncWriteExt;
            let mut client = client;
            client.write_all(b"a\nb\n").await.unwrap();
        });
        let lines: Vec<String> = LinesStream::new(rt::io::BufReader::new(server).lines())
            .map(Result::unwrap)
            .collect()
            .await;
        writer.await.unwrap();
        assert_eq!(lines, ["a", "b"]);
    }

    #[rt::test]
    async fn split_stream_yields_segments() {
        let input: &[u8] = b"a:bb::c";
        let parts: Vec<Vec<u8>> = SplitStream::new(AsyncBufReadExt::split(input, b':'))
            .map(Result::unwrap)
            .collect()
            .await;
        assert_eq!(
            parts,
            [b"a".to_vec(), b"bb".to_vec(), vec![], b"c".to_vec()]
        );
        let mut s = SplitStream::new(AsyncBufReadExt::split(&b""[..], b','));
        assert!(s.next().await.is_none());
        let _ = s.as_ref();
        let _ = s.as_mut();
        let _ = s.into_inner();
    }
}
