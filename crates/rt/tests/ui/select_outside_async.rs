fn not_async() -> u32 {
    rt::select! {
        v = std::future::ready(1) => v,
    }
}

fn main() {
    let _ = not_async();
}
