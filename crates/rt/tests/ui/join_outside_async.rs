fn not_async() -> (u32, u32) {
    rt::join!(std::future::ready(1), std::future::ready(2))
}

fn main() {
    let _ = not_async();
}
