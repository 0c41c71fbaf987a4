async fn nothing() {
    rt::select! {
        biased;
    }
}

fn main() {
    let _ = nothing();
}
