//! The free functions: whole-file helpers, path operations, metadata, links.

mod fs_support;

use std::io::ErrorKind;

use fs_support::TempDir;

#[rt::test]
async fn write_then_read_and_read_to_string() {
    let dir = TempDir::new("rw");
    let path = dir.join("f");
    rt_fs::write(&path, b"hello").await.unwrap();
    assert_eq!(rt_fs::read(&path).await.unwrap(), b"hello");
    assert_eq!(rt_fs::read_to_string(&path).await.unwrap(), "hello");
    // `write` replaces the contents.
    rt_fs::write(&path, String::from("hi")).await.unwrap();
    assert_eq!(rt_fs::read(&path).await.unwrap(), b"hi");
}

#[rt::test]
async fn read_to_string_rejects_invalid_utf8() {
    let dir = TempDir::new("utf8");
    let path = dir.join("f");
    rt_fs::write(&path, [0xff, 0xfe]).await.unwrap();
    let err = rt_fs::read_to_string(&path).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidData);
}

#[rt::test]
async fn copy_copies_contents_and_returns_length() {
    let dir = TempDir::new("copy");
    rt_fs::write(dir.join("a"), b"abcdef").await.unwrap();
    assert_eq!(rt_fs::copy(dir.join("a"), dir.join("b")).await.unwrap(), 6);
    assert_eq!(rt_fs::read(dir.join("b")).await.unwrap(), b"abcdef");
}

#[rt::test]
async fn create_dir_and_remove_dir() {
    let dir = TempDir::new("mkdir");
    let sub = dir.join("sub");
    rt_fs::create_dir(&sub).await.unwrap();
    assert!(rt_fs::metadata(&sub).await.unwrap().is_dir());
    let err = rt_fs::create_dir(&sub).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::AlreadyExists);
    rt_fs::remove_dir(&sub).await.unwrap();
    assert!(!rt_fs::try_exists(&sub).await.unwrap());
}

#[rt::test]
async fn create_dir_all_and_remove_dir_all() {
    let dir = TempDir::new("mkdirs");
    let deep = dir.join("a/b/c");
    rt_fs::create_dir_all(&deep).await.unwrap();
    // Succeeds again when the directory exists.
    rt_fs::create_dir_all(&deep).await.unwrap();
    rt_fs::write(deep.join("f"), b"x").await.unwrap();
    // `remove_dir` refuses a non-empty directory.
    assert!(rt_fs::remove_dir(dir.join("a")).await.is_err());
    rt_fs::remove_dir_all(dir.join("a")).await.unwrap();
    assert!(!rt_fs::try_exists(dir.join("a")).await.unwrap());
}

#[rt::test]
async fn remove_file_removes() {
    let dir = TempDir::new("rm");
    let path = dir.join("f");
    rt_fs::write(&path, b"x").await.unwrap();
    rt_fs::remove_file(&path).await.unwrap();
    assert!(!rt_fs::try_exists(&path).await.unwrap());
}

#[rt::test]
async fn rename_moves_and_replaces() {
    let dir = TempDir::new("rename");
    rt_fs::write(dir.join("a"), b"a").await.unwrap();
    rt_fs::write(dir.join("b"), b"b").await.unwrap();
    rt_fs::rename(dir.join("a"), dir.join("b")).await.unwrap();
    assert_eq!(rt_fs::read(dir.join("b")).await.unwrap(), b"a");
    assert!(!rt_fs::try_exists(dir.join("a")).await.unwrap());
}

#[rt::test]
async fn hard_link_shares_contents() {
    use std::os::unix::fs::MetadataExt;

    let dir = TempDir::new("hardlink");
    rt_fs::write(dir.join("a"), b"x").await.unwrap();
    rt_fs::hard_link(dir.join("a"), dir.join("b"))
        .await
        .unwrap();
    let a = rt_fs::metadata(dir.join("a")).await.unwrap();
    let b = rt_fs::metadata(dir.join("b")).await.unwrap();
    assert_eq!(a.ino(), b.ino());
    assert_eq!(a.nlink(), 2);
}

#[rt::test]
async fn symlink_read_link_and_symlink_metadata() {
    let dir = TempDir::new("symlink");
    let target = dir.join("target");
    let link = dir.join("link");
    rt_fs::write(&target, b"abc").await.unwrap();
    rt_fs::symlink(&target, &link).await.unwrap();
    assert_eq!(rt_fs::read_link(&link).await.unwrap(), target);
    assert!(
        rt_fs::symlink_metadata(&link)
            .await
            .unwrap()
            .file_type()
            .is_symlink()
    );
    let meta = rt_fs::metadata(&link).await.unwrap();
    assert!(meta.is_file());
    assert_eq!(meta.len(), 3);
    assert_eq!(rt_fs::read(&link).await.unwrap(), b"abc");
}

#[rt::test]
async fn canonicalize_resolves_dots_and_links() {
    let dir = TempDir::new("canon");
    rt_fs::create_dir(dir.join("real")).await.unwrap();
    rt_fs::symlink(dir.join("real"), dir.join("alias"))
        .await
        .unwrap();
    let real = rt_fs::canonicalize(dir.join("real")).await.unwrap();
    assert!(real.is_absolute());
    assert_eq!(
        rt_fs::canonicalize(dir.join("alias/../real/."))
            .await
            .unwrap(),
        real
    );
    assert_eq!(rt_fs::canonicalize(dir.join("alias")).await.unwrap(), real);
}

#[rt::test]
async fn set_permissions_changes_mode() {
    use std::os::unix::fs::PermissionsExt;

    let dir = TempDir::new("perm");
    let path = dir.join("f");
    rt_fs::write(&path, b"x").await.unwrap();
    rt_fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600))
        .await
        .unwrap();
    let mode = rt_fs::metadata(&path).await.unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600);
}

#[rt::test]
async fn try_exists_follows_links() {
    let dir = TempDir::new("exists");
    assert!(rt_fs::try_exists(dir.path()).await.unwrap());
    assert!(!rt_fs::try_exists(dir.join("missing")).await.unwrap());
    rt_fs::symlink(dir.join("missing"), dir.join("dangling"))
        .await
        .unwrap();
    assert!(!rt_fs::try_exists(dir.join("dangling")).await.unwrap());
}

#[rt::test]
async fn missing_paths_are_not_found() {
    let dir = TempDir::new("notfound");
    let missing = dir.join("missing");
    let kinds = [
        rt_fs::read(&missing).await.unwrap_err().kind(),
        rt_fs::read_to_string(&missing).await.unwrap_err().kind(),
        rt_fs::metadata(&missing).await.unwrap_err().kind(),
        rt_fs::symlink_metadata(&missing).await.unwrap_err().kind(),
        rt_fs::remove_file(&missing).await.unwrap_err().kind(),
        rt_fs::remove_dir(&missing).await.unwrap_err().kind(),
        rt_fs::remove_dir_all(&missing).await.unwrap_err().kind(),
        rt_fs::rename(&missing, dir.join("x"))
            .await
            .unwrap_err()
            .kind(),
        rt_fs::copy(&missing, dir.join("x"))
            .await
            .unwrap_err()
            .kind(),
        rt_fs::read_link(&missing).await.unwrap_err().kind(),
        rt_fs::canonicalize(&missing).await.unwrap_err().kind(),
        rt_fs::read_dir(&missing).await.unwrap_err().kind(),
        rt_fs::write(dir.join("no/such/dir"), b"x")
            .await
            .unwrap_err()
            .kind(),
        rt_fs::create_dir(dir.join("no/such"))
            .await
            .unwrap_err()
            .kind(),
    ];
    for kind in kinds {
        assert_eq!(kind, ErrorKind::NotFound);
    }
}

#[rt::test(flavor = "multi_thread", worker_threads = 2)]
async fn path_operations_on_the_multi_thread_runtime() {
    let dir = TempDir::new("mt-paths");
    rt_fs::create_dir_all(dir.join("x/y")).await.unwrap();
    rt_fs::write(dir.join("x/y/f"), b"data").await.unwrap();
    rt_fs::copy(dir.join("x/y/f"), dir.join("g")).await.unwrap();
    assert_eq!(rt_fs::read(dir.join("g")).await.unwrap(), b"data");
    rt_fs::remove_dir_all(dir.join("x")).await.unwrap();
}
