// `#[rt::test]` defaults to the current-thread runtime, which has no workers to count.
#[rt::test(worker_threads = 2)]
async fn two_workers() {}

fn main() {}
