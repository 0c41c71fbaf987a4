//! `read_dir` listings and `DirBuilder`.

mod fs_support;

use std::collections::BTreeSet;
use std::ffi::OsString;
use std::io::ErrorKind;

use fs_support::TempDir;

async fn names(path: &std::path::Path) -> BTreeSet<OsString> {
    let mut entries = rt_fs::read_dir(path).await.unwrap();
    let mut names = BTreeSet::new();
    while let Some(entry) = entries.next_entry().await.unwrap() {
        assert!(names.insert(entry.file_name()), "an entry came twice");
    }
    // The end is sticky.
    assert!(entries.next_entry().await.unwrap().is_none());
    names
}

#[rt::test]
async fn read_dir_lists_every_entry() {
    let dir = TempDir::new("readdir");
    rt_fs::write(dir.join("a"), b"").await.unwrap();
    rt_fs::write(dir.join("b"), b"").await.unwrap();
    rt_fs::create_dir(dir.join("c")).await.unwrap();
    let expected: BTreeSet<OsString> = ["a", "b", "c"].iter().map(OsString::from).collect();
    assert_eq!(names(dir.path()).await, expected);
}

#[rt::test]
async fn read_dir_of_an_empty_directory_ends_at_once() {
    let dir = TempDir::new("readdir-empty");
    assert!(names(dir.path()).await.is_empty());
}

#[rt::test(flavor = "multi_thread", worker_threads = 2)]
async fn read_dir_lists_more_entries_than_one_chunk() {
    let dir = TempDir::new("readdir-many");
    let mut expected = BTreeSet::new();
    for i in 0..200 {
        let name = format!("file-{i:03}");
        std::fs::write(dir.join(&name), b"").unwrap();
        expected.insert(OsString::from(name));
    }
    assert_eq!(names(dir.path()).await, expected);
}

#[rt::test]
async fn dir_entry_accessors() {
    use std::os::unix::fs::MetadataExt;

    let dir = TempDir::new("direntry");
    rt_fs::write(dir.join("file"), b"12345").await.unwrap();
    rt_fs::create_dir(dir.join("sub")).await.unwrap();
    rt_fs::symlink(dir.join("file"), dir.join("link"))
        .await
        .unwrap();

    let mut entries = rt_fs::read_dir(dir.path()).await.unwrap();
    let mut seen = 0;
    while let Some(entry) = entries.next_entry().await.unwrap() {
        let name = entry.file_name();
        assert_eq!(entry.path(), dir.join(&name));
        let file_type = entry.file_type().await.unwrap();
        let meta = entry.metadata().await.unwrap();
        assert_eq!(entry.ino(), meta.ino());
        match name.to_str().unwrap() {
            "file" => {
                assert!(file_type.is_file());
                assert_eq!(meta.len(), 5);
            }
            "sub" => assert!(file_type.is_dir() && meta.is_dir()),
            // Neither follows the link.
            "link" => assert!(file_type.is_symlink() && meta.file_type().is_symlink()),
            other => panic!("unexpected entry {other}"),
        }
        seen += 1;
    }
    assert_eq!(seen, 3);
}

#[rt::test]
async fn poll_next_entry_can_be_driven_by_hand() {
    let dir = TempDir::new("readdir-poll");
    rt_fs::write(dir.join("only"), b"").await.unwrap();
    let mut entries = rt_fs::read_dir(dir.path()).await.unwrap();
    let first = std::future::poll_fn(|cx| entries.poll_next_entry(cx))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(first.file_name(), "only");
    let end = std::future::poll_fn(|cx| entries.poll_next_entry(cx))
        .await
        .unwrap();
    assert!(end.is_none());
}

#[rt::test]
async fn read_dir_of_a_file_fails() {
    let dir = TempDir::new("readdir-file");
    rt_fs::write(dir.join("f"), b"").await.unwrap();
    let err = rt_fs::read_dir(dir.join("f")).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotADirectory);
}

#[rt::test]
async fn dir_builder_plain_and_recursive() {
    let dir = TempDir::new("dirbuilder");
    let mut builder = rt_fs::DirBuilder::new();
    builder.create(dir.join("one")).await.unwrap();
    let err = builder.create(dir.join("one")).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::AlreadyExists);
    let err = builder.create(dir.join("a/b")).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);

    builder.recursive(true);
    builder.create(dir.join("a/b")).await.unwrap();
    builder.create(dir.join("a/b")).await.unwrap();
    assert!(rt_fs::metadata(dir.join("a/b")).await.unwrap().is_dir());
}

#[rt::test]
async fn dir_builder_mode() {
    use std::os::unix::fs::PermissionsExt;

    let dir = TempDir::new("dirbuilder-mode");
    rt_fs::DirBuilder::new()
        .mode(0o700)
        .create(dir.join("private"))
        .await
        .unwrap();
    let mode = rt_fs::metadata(dir.join("private"))
        .await
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o700);
}
