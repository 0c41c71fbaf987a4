async fn nothing() {
    rt::select! {}
}

fn main() {
    let _ = nothing();
}
