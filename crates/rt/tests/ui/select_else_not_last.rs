async fn else_first() -> u32 {
    rt::select! {
        else => 0,
        v = std::future::ready(1) => v,
    }
}

fn main() {
    let _ = else_first();
}
