//! `ReadBuf`: its regions, its panics, and (proptest) its invariants under random calls.

use std::mem::MaybeUninit;

use proptest::prelude::*;
use rt::io::ReadBuf;

#[test]
fn new_is_fully_initialized_and_empty() {
    let mut storage = [7u8; 16];
    let buf = ReadBuf::new(&mut storage);
    assert_eq!(buf.capacity(), 16);
    assert_eq!(buf.filled(), b"");
    assert_eq!(buf.initialized().len(), 16);
    assert_eq!(buf.remaining(), 16);
}

#[test]
fn uninit_starts_uninitialized_and_initialize_unfilled_zeroes() {
    let mut storage = [MaybeUninit::<u8>::uninit(); 8];
    let mut buf = ReadBuf::uninit(&mut storage);
    assert_eq!(buf.initialized().len(), 0);
    assert_eq!(buf.initialize_unfilled_to(3), &[0, 0, 0]);
    assert_eq!(buf.initialized().len(), 3);
    buf.put_slice(b"ab");
    assert_eq!(buf.filled(), b"ab");
    assert_eq!(buf.initialized().len(), 3);
    assert_eq!(buf.initialize_unfilled().len(), 6);
    assert_eq!(buf.initialized().len(), 8);
}

#[test]
fn put_slice_advance_set_filled_clear() {
    let mut storage = [0u8; 8];
    let mut buf = ReadBuf::new(&mut storage);
    buf.put_slice(b"abc");
    buf.advance(2);
    assert_eq!(buf.filled(), b"abc\0\0");
    buf.set_filled(1);
    assert_eq!(buf.filled(), b"a");
    buf.filled_mut()[0] = b'z';
    buf.clear();
    assert_eq!(buf.filled(), b"");
    assert_eq!(buf.initialized()[0], b'z');
    buf.initialized_mut()[1] = b'y';
    assert_eq!(&storage[..2], b"zy");
}

#[test]
fn take_sees_unfilled_and_keeps_initialized() {
    let mut storage = [MaybeUninit::<u8>::uninit(); 10];
    let mut buf = ReadBuf::uninit(&mut storage);
    buf.initialize_unfilled_to(6);
    buf.put_slice(b"ab");
    let n = {
        let mut sub = buf.take(3);
        assert_eq!(sub.capacity(), 3);
        assert_eq!(
            sub.initialized().len(),
            3,
            "4 initialized unfilled bytes, capped at 3"
        );
        sub.put_slice(b"cd");
        sub.filled().len()
    };
    // SAFETY: `sub` wrote `n` bytes at the start of `buf`'s unfilled region.
    unsafe { buf.assume_init(n) };
    buf.advance(n);
    assert_eq!(buf.filled(), b"abcd");
    assert_eq!(buf.take(100).capacity(), 6);
}

#[test]
fn assume_init_and_unfilled_mut() {
    let mut storage = [MaybeUninit::<u8>::uninit(); 4];
    let mut buf = ReadBuf::uninit(&mut storage);
    // SAFETY: writes initialized bytes only.
    unsafe {
        buf.unfilled_mut()[0].write(1);
        buf.unfilled_mut()[1].write(2);
        buf.assume_init(2);
    }
    buf.advance(2);
    assert_eq!(buf.filled(), &[1, 2]);
    // Assuming less than is known changes nothing.
    // SAFETY: 0 bytes.
    unsafe { buf.assume_init(0) };
    assert_eq!(buf.initialized().len(), 2);
    // SAFETY: only reads the length.
    assert_eq!(unsafe { buf.inner_mut() }.len(), 4);
}

#[test]
#[should_panic(expected = "filled must not become larger than initialized")]
fn advance_past_initialized_panics() {
    let mut storage = [MaybeUninit::<u8>::uninit(); 4];
    let mut buf = ReadBuf::uninit(&mut storage);
    buf.advance(1);
}

#[test]
#[should_panic(expected = "buf.len() must fit in remaining()")]
fn put_slice_overflow_panics() {
    let mut storage = [0u8; 2];
    ReadBuf::new(&mut storage).put_slice(b"abc");
}

#[test]
#[should_panic(expected = "n overflows remaining")]
fn initialize_unfilled_to_overflow_panics() {
    let mut storage = [0u8; 2];
    ReadBuf::new(&mut storage).initialize_unfilled_to(3);
}

#[test]
fn bufmut_impl_writes_into_unfilled() {
    use bytes::BufMut;
    let mut storage = [MaybeUninit::<u8>::uninit(); 8];
    let mut buf = ReadBuf::uninit(&mut storage);
    buf.put_u16(0x0102);
    buf.put_slice(b"xy");
    assert_eq!(buf.remaining_mut(), 4);
    assert_eq!(buf.filled(), &[1, 2, b'x', b'y']);
}

#[derive(Debug, Clone)]
enum Op {
    Put(Vec<u8>),
    Advance(usize),
    SetFilled(usize),
    InitTo(usize),
    Clear,
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        proptest::collection::vec(any::<u8>(), 0..8).prop_map(Op::Put),
        (0usize..8).prop_map(Op::Advance),
        (0usize..20).prop_map(Op::SetFilled),
        (0usize..8).prop_map(Op::InitTo),
        Just(Op::Clear),
    ]
}

proptest! {
    /// Whatever safe calls are made (those that would panic are skipped, as their checks
    /// say), `filled <= initialized <= capacity`, `filled()` matches a model, and
    /// `initialized` never goes down.
    #[test]
    #[cfg_attr(
        miri,
        ignore = "proptest is too slow under miri (seconds a case); the unit tests above run each method there"
    )]
    fn invariants_hold(cap in 0usize..16, ops in proptest::collection::vec(op(), 0..40)) {
        let mut storage = vec![MaybeUninit::<u8>::uninit(); cap];
        let mut buf = ReadBuf::uninit(&mut storage);
        let mut model: Vec<u8> = Vec::new();
        let mut model_init: Vec<u8> = Vec::new();
        for op in ops {
            let before_init = buf.initialized().len();
            match op {
                Op::Put(data) if data.len() <= buf.remaining() => {
                    buf.put_slice(&data);
                    model.extend_from_slice(&data);
                    let end = model.len();
                    if model_init.len() < end { model_init.resize(end, 0); }
                    model_init[..end].copy_from_slice(&model);
                }
                Op::Advance(n) if buf.filled().len() + n <= buf.initialized().len() => {
                    buf.advance(n);
                    let end = model.len() + n;
                    model = model_init[..end].to_vec();
                }
                Op::SetFilled(n) if n <= buf.initialized().len() => {
                    buf.set_filled(n);
                    model = model_init[..n].to_vec();
                }
                Op::InitTo(n) if n <= buf.remaining() => {
                    let end = model.len() + n;
                    let fresh = buf.initialize_unfilled_to(n).len();
                    prop_assert_eq!(fresh, n);
                    if model_init.len() < end { model_init.resize(end, 0); }
                }
                Op::Clear => { buf.clear(); model.clear(); }
                _ => {}
            }
            prop_assert!(buf.filled().len() <= buf.initialized().len());
            prop_assert!(buf.initialized().len() <= buf.capacity());
            prop_assert!(buf.initialized().len() >= before_init);
            prop_assert_eq!(buf.remaining(), cap - buf.filled().len());
            prop_assert_eq!(buf.filled(), &model[..]);
            prop_assert_eq!(buf.initialized(), &model_init[..]);
        }
    }
}
