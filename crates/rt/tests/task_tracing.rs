#![cfg(all(feature = "full", feature = "tracing"))]
//! With feature `tracing`, every task runs inside a span naming it: id, name, kind and the
//! location of the spawn call.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex};

use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id};
use tracing::{Subscriber, subscriber};
use tracing_subscriber::layer::{Context, Layer, SubscriberExt};
use tracing_subscriber::registry::Registry;

/// Records the fields of every `runtime.spawn` span created.
#[derive(Clone, Default)]
struct SpawnSpans(Arc<Mutex<Vec<HashMap<String, String>>>>);

struct Fields<'a>(&'a mut HashMap<String, String>);

impl Visit for Fields<'_> {
    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        self.0.insert(field.name().to_owned(), format!("{value:?}"));
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.insert(field.name().to_owned(), value.to_owned());
    }
}

impl<S: Subscriber> Layer<S> for SpawnSpans {
    fn on_new_span(&self, attrs: &Attributes<'_>, _id: &Id, _ctx: Context<'_, S>) {
        if attrs.metadata().name() != "runtime.spawn" {
            return;
        }
        let mut fields = HashMap::new();
        attrs.record(&mut Fields(&mut fields));
        self.0.lock().unwrap().push(fields);
    }
}

#[test]
fn spawned_tasks_get_a_span_with_id_name_and_location() {
    let spans = SpawnSpans::default();
    let subscriber = Registry::default().with(spans.clone());
    let (line_spawn, line_named, line_blocking, id) = subscriber::with_default(subscriber, || {
        let rt = rt::runtime::Builder::new_current_thread().build().unwrap();
        rt.block_on(async {
            let line_spawn = line!() + 1;
            let handle = rt::spawn(async { rt::task::id() });
            let id = handle.id();
            assert_eq!(handle.await.unwrap(), id);
            let builder = rt::task::Builder::new().name("worker-7");
            let line_named = line!() + 1;
            let named = builder.spawn(async {}).unwrap();
            named.await.unwrap();
            let line_blocking = line!() + 1;
            rt::task::spawn_blocking(|| ()).await.unwrap();
            (line_spawn, line_named, line_blocking, id)
        })
    });
    let spans = spans.0.lock().unwrap();
    assert_eq!(spans.len(), 3, "one span per task: {spans:?}");
    let file = file!();
    let expect = [
        ("task", "", line_spawn),
        ("task", "worker-7", line_named),
        ("blocking", "", line_blocking),
    ];
    for (span, (kind, name, line)) in spans.iter().zip(expect) {
        assert_eq!(span["kind"], kind, "{span:?}");
        assert_eq!(span["task.name"], name, "{span:?}");
        assert_eq!(span["loc.file"], file, "{span:?}");
        assert_eq!(span["loc.line"], line.to_string(), "{span:?}");
    }
    assert_eq!(spans[0]["task.id"], id.to_string());
}
