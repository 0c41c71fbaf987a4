async fn not_results() {
    let _ = rt::try_join!(std::future::ready(1u32), std::future::ready(2u32));
}

fn main() {
    let _ = not_results();
}
