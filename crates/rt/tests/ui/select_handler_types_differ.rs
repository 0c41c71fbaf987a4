async fn mismatch() {
    let _ = rt::select! {
        v = std::future::ready(1u32) => v,
        s = std::future::ready("text") => s,
    };
}

fn main() {
    let _ = mismatch();
}
