#[rt::main(flavor = "single_thread")]
async fn main() {}

#[rt::main(flavor = "fast")]
async fn other() {}
