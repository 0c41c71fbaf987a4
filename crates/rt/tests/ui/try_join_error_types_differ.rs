async fn different_errors() {
    let _ = rt::try_join!(
        std::future::ready(Ok::<u32, String>(1)),
        std::future::ready(Ok::<u32, std::io::Error>(2)),
    );
}

fn main() {
    let _ = different_errors();
}
