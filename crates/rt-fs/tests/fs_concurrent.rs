//! Many files at once: the blocking pool serves them all, and no bytes cross over.

mod fs_support;

use fs_support::TempDir;
use rt::io::{AsyncReadExt, AsyncWriteExt};

fn contents(i: usize) -> Vec<u8> {
    format!("file {i}: ").into_bytes().repeat(1 + i * 37 % 500)
}

async fn write_and_read_back_100_files() {
    let dir = std::sync::Arc::new(TempDir::new("concurrent"));
    let mut writers = Vec::new();
    for i in 0..100 {
        let dir = std::sync::Arc::clone(&dir);
        writers.push(rt::spawn(async move {
            let mut file = rt_fs::File::create(dir.join(format!("{i}"))).await.unwrap();
            for chunk in contents(i).chunks(1000) {
                file.write_all(chunk).await.unwrap();
            }
            file.flush().await.unwrap();
        }));
    }
    for writer in writers {
        writer.await.unwrap();
    }

    let mut readers = Vec::new();
    for i in 0..100 {
        let dir = std::sync::Arc::clone(&dir);
        readers.push(rt::spawn(async move {
            let mut file = rt_fs::File::open(dir.join(format!("{i}"))).await.unwrap();
            let mut back = Vec::new();
            file.read_to_end(&mut back).await.unwrap();
            assert!(back == contents(i), "file {i} differs");
            assert!(rt_fs::read(dir.join(format!("{i}"))).await.unwrap() == back);
        }));
    }
    for reader in readers {
        reader.await.unwrap();
    }

    let mut listing = rt_fs::read_dir(dir.path()).await.unwrap();
    let mut count = 0;
    while listing.next_entry().await.unwrap().is_some() {
        count += 1;
    }
    assert_eq!(count, 100);
}

#[rt::test]
async fn hundred_files_current_thread() {
    write_and_read_back_100_files().await;
}

#[rt::test(flavor = "multi_thread", worker_threads = 2)]
async fn hundred_files_multi_thread() {
    write_and_read_back_100_files().await;
}
