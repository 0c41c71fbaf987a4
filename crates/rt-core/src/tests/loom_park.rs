//! loom model of the thread parker: no unpark is ever lost, whether it comes before the
//! park or while the parker is going to sleep.

use loom::thread;

use crate::runtime::driver::{Driver, ParkThread};

#[test]
fn unpark_wakes_a_parker_whatever_the_interleaving() {
    loom::model(|| {
        let mut park = ParkThread::new();
        let unpark = park.unparker();
        let waker = thread::spawn(move || unpark.unpark());
        // Returns only once the unpark happened (before or during): a lost unpark would
        // leave this thread asleep and loom would report a deadlock.
        park.park(None);
        waker.join().unwrap();
    });
}
