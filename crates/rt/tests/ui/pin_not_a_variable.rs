async fn answer() -> u32 {
    42
}

fn main() {
    rt::pin!(answer());
}
