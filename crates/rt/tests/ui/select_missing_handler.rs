async fn no_handler() {
    rt::select! {
        v = std::future::ready(1),
    }
}

fn main() {
    let _ = no_handler();
}
