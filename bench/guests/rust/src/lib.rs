//! The Rust contender of the call benchmarks: the same work as the Go
//! guests, through wit-bindgen's Rust bindings.

wit_bindgen::generate!({
    path: "../../wit/calls.wit",
    world: "calls",
});

use bench::calls::host;
use bench::calls::types::{Point, Rec16};
use exports::bench::calls::guest::Guest;

struct Bench;

fn sum16(r: &Rec16) -> u64 {
    (r.f0 as u64)
        .wrapping_add(r.f1)
        .wrapping_add(r.f2 as u64)
        .wrapping_add(r.f3 as u64)
        .wrapping_add(r.f4 as u64)
        .wrapping_add(r.f5 as u64)
        .wrapping_add(r.f6 as u64)
        .wrapping_add(r.f7 as u64)
        .wrapping_add(r.f8 as u64)
        .wrapping_add(r.f9 as u64)
        .wrapping_add(r.f10 as u64)
        .wrapping_add(r.f11)
        .wrapping_add(r.f12 as u64)
        .wrapping_add(r.f13 as u64)
        .wrapping_add(r.f14 as u64)
        .wrapping_add(r.f15 as u64)
}

fn rec16() -> Rec16 {
    Rec16 {
        f0: 1, f1: 2, f2: 3, f3: 4, f4: 5.0, f5: 6.0, f6: 7, f7: 8,
        f8: true, f9: 'x', f10: 11, f11: 12, f12: 13, f13: 14, f14: 15.0, f15: 16.0,
    }
}

impl Guest for Bench {
    fn empty() {}

    fn scalars(a: u32, b: u64, c: f32, d: f64) -> u64 {
        (a as u64).wrapping_add(b).wrapping_add(c as u64).wrapping_add(d as u64)
    }

    fn record16(r: Rec16) -> u64 {
        sum16(&r)
    }

    fn short_string(s: String) -> u32 {
        s.len() as u32
    }

    fn bytes(b: Vec<u8>) -> u32 {
        match b.last() {
            Some(last) => b.len() as u32 + *last as u32,
            None => 0,
        }
    }

    fn points(ps: Vec<Point>) -> u32 {
        let s = ps.iter().fold(0i32, |s, p| s.wrapping_add(p.x).wrapping_add(p.y));
        (ps.len() as u32).wrapping_add(s as u32)
    }

    fn call_host(which: u32, n: u32, size: u32) -> u64 {
        let mut sum = 0u64;
        match which {
            0 => (0..n).for_each(|_| host::empty()),
            1 => (0..n).for_each(|i| sum = sum.wrapping_add(host::scalars(i, 2, 3.0, 4.0))),
            2 => {
                let r = rec16();
                (0..n).for_each(|_| sum = sum.wrapping_add(host::record16(r)))
            }
            3 => (0..n).for_each(|_| sum += host::short_string("hello, world!") as u64),
            4 => {
                let b = vec![0u8; size as usize];
                (0..n).for_each(|_| sum += host::bytes(&b) as u64)
            }
            5 => {
                let ps: Vec<Point> = (0..size as i32).map(|i| Point { x: i, y: -i, weight: 0.5 }).collect();
                (0..n).for_each(|_| sum += host::points(&ps) as u64)
            }
            _ => {}
        }
        sum
    }
}

export!(Bench);
