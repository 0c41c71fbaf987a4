#[rt::test(multi_thread)]
async fn bare_flavor_name() {}

#[rt::test(threads = 4)]
async fn unknown_name() {}

fn main() {}
