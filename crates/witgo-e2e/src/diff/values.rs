//! Random values of a [`Ty`] as Wasmtime `Val`s, weighted towards the edges
//! (extreme integers, -0.0, infinities, NaNs with payloads, surrogate-edge
//! chars, multi-byte strings, empty and long lists), and the equality the
//! Canonical ABI promises.

use wasmtime::component::Val;

use super::types::{Def, Rng, Ty};

/// A random value of `ty`; `budget` caps how many values one argument may
/// hold in total (lists shrink when it runs low).
pub fn value(ty: &Ty, defs: &[Def], rng: &mut Rng, budget: &mut u32) -> Val {
    *budget = budget.saturating_sub(1);
    match ty {
        Ty::Bool => Val::Bool(rng.chance(1, 2)),
        Ty::S8 => Val::S8(int(rng, i8::MIN as i64, i8::MAX as i64) as i8),
        Ty::U8 => Val::U8(uint(rng, u8::MAX as u64) as u8),
        Ty::S16 => Val::S16(int(rng, i16::MIN as i64, i16::MAX as i64) as i16),
        Ty::U16 => Val::U16(uint(rng, u16::MAX as u64) as u16),
        Ty::S32 => Val::S32(int(rng, i32::MIN as i64, i32::MAX as i64) as i32),
        Ty::U32 => Val::U32(uint(rng, u32::MAX as u64) as u32),
        Ty::S64 => Val::S64(int(rng, i64::MIN, i64::MAX)),
        Ty::U64 => Val::U64(uint(rng, u64::MAX)),
        Ty::F32 => Val::Float32(f32::from_bits(float_bits32(rng))),
        Ty::F64 => Val::Float64(f64::from_bits(float_bits64(rng))),
        Ty::Char => Val::Char(char(rng)),
        Ty::String => Val::String(string(rng, budget)),
        Ty::List(t) => {
            let len = list_len(
                rng,
                budget,
                matches!(**t, Ty::List(_) | Ty::Named(_) | Ty::Tuple(_)),
            );
            Val::List((0..len).map(|_| value(t, defs, rng, budget)).collect())
        }
        Ty::Option(t) => Val::Option(
            rng.chance(2, 3)
                .then(|| Box::new(value(t, defs, rng, budget))),
        ),
        Ty::Result(ok, err) => {
            let payload = |t: &Option<Box<Ty>>, rng: &mut Rng, budget: &mut u32| {
                t.as_ref().map(|t| Box::new(value(t, defs, rng, budget)))
            };
            Val::Result(if rng.chance(1, 2) {
                Ok(payload(ok, rng, budget))
            } else {
                Err(payload(err, rng, budget))
            })
        }
        Ty::Tuple(ts) => Val::Tuple(ts.iter().map(|t| value(t, defs, rng, budget)).collect()),
        Ty::FixedList(t, n) => {
            Val::FixedLengthList((0..*n).map(|_| value(t, defs, rng, budget)).collect())
        }
        Ty::Map(k, v) => {
            // Distinct keys: a map (Go's too) keeps one entry per key.
            let len = list_len(rng, budget, true).min(40);
            let mut seen = std::collections::HashSet::new();
            let mut entries = Vec::new();
            for _ in 0..len {
                let key = value(k, defs, rng, budget);
                if seen.insert(format!("{key:?}")) {
                    entries.push((key, value(v, defs, rng, budget)));
                }
            }
            Val::Map(entries)
        }
        Ty::Named(i) => match &defs[*i] {
            Def::Record(fields) => Val::Record(
                fields
                    .iter()
                    .enumerate()
                    .map(|(j, t)| (format!("f{j}"), value(t, defs, rng, budget)))
                    .collect(),
            ),
            Def::Variant(cases) => {
                let j = rng.below(cases.len() as u64) as usize;
                let payload = cases[j]
                    .as_ref()
                    .map(|t| Box::new(value(t, defs, rng, budget)));
                Val::Variant(format!("c{j}"), payload)
            }
            Def::Enum(n) => {
                // The last case too: it tests the discriminant's width.
                let j = if rng.chance(1, 4) {
                    n - 1
                } else {
                    rng.below(*n as u64) as usize
                };
                Val::Enum(format!("c{j}"))
            }
            Def::Flags(n) => {
                let all = rng.chance(1, 6);
                Val::Flags(
                    (0..*n)
                        .filter(|_| all || rng.chance(1, 2))
                        .map(|j| format!("f{j}"))
                        .collect(),
                )
            }
        },
    }
}

/// A signed integer in `lo..=hi`: often an edge, else any bits.
fn int(rng: &mut Rng, lo: i64, hi: i64) -> i64 {
    match rng.below(8) {
        0 => lo,
        1 => hi,
        2 => 0,
        3 => -1,
        4 => rng.range(0, 16) as i64 - 8,
        _ => {
            let bits = (hi as u64).count_ones() + 1;
            let v = rng.next_u64() as i64;
            // Sign-extend the low `bits` bits.
            (v << (64 - bits)) >> (64 - bits)
        }
    }
}

/// An unsigned integer in `0..=max`.
fn uint(rng: &mut Rng, max: u64) -> u64 {
    match rng.below(6) {
        0 => 0,
        1 => max,
        2 => rng.below(16),
        _ => rng.next_u64() & max,
    }
}

fn float_bits32(rng: &mut Rng) -> u32 {
    const EDGES: [u32; 12] = [
        0x0000_0000, // 0.0
        0x8000_0000, // -0.0
        0x7f80_0000, // +inf
        0xff80_0000, // -inf
        0x7fc0_0000, // canonical NaN
        0xffc0_0001, // negative NaN with a payload
        0x7f80_0001, // signalling NaN
        0x0000_0001, // smallest subnormal
        0x7f7f_ffff, // largest finite
        0x3f80_0000, // 1.0
        0xbf80_0000, // -1.0
        0x0080_0000, // smallest normal
    ];
    if rng.chance(1, 2) {
        *rng.pick(&EDGES)
    } else {
        rng.next_u64() as u32
    }
}

fn float_bits64(rng: &mut Rng) -> u64 {
    const EDGES: [u64; 12] = [
        0,
        0x8000_0000_0000_0000,
        0x7ff0_0000_0000_0000,
        0xfff0_0000_0000_0000,
        0x7ff8_0000_0000_0000,
        0xfff8_0000_dead_beef,
        0x7ff0_0000_0000_0001,
        1,
        0x7fef_ffff_ffff_ffff,
        0x3ff0_0000_0000_0000,
        0xbff0_0000_0000_0000,
        0x0010_0000_0000_0000,
    ];
    if rng.chance(1, 2) {
        *rng.pick(&EDGES)
    } else {
        rng.next_u64()
    }
}

/// A valid char, often at an encoding or surrogate boundary.
fn char(rng: &mut Rng) -> char {
    const EDGES: [u32; 12] = [
        0, 0x7f, 0x80, 0x7ff, 0x800, 0xd7ff, 0xe000, 0xfffd, 0xffff, 0x1_0000, 0x1f30d, 0x10_ffff,
    ];
    let code = match rng.below(4) {
        0 => *rng.pick(&EDGES),
        1 => rng.range(0x20, 0x7e) as u32,
        _ => loop {
            let c = rng.range(0, 0x10_ffff) as u32;
            if char::from_u32(c).is_some() {
                break c;
            }
        },
    };
    char::from_u32(code).unwrap()
}

/// A string of mixed-width UTF-8: empty, ASCII, 2-, 3- and 4-byte
/// characters, NUL, and now and then a long one.
fn string(rng: &mut Rng, budget: &mut u32) -> String {
    const PIECES: [&str; 10] = [
        "",
        "a",
        "Go",
        "é",
        "ß",
        "世界",
        "🌍",
        "\0",
        "\u{10ffff}",
        "\u{fffd}",
    ];
    let n = if rng.chance(1, 20) && *budget > 1000 {
        rng.range(200, 2000)
    } else {
        rng.below(8)
    };
    let mut s = String::new();
    for _ in 0..n {
        if rng.chance(1, 3) {
            s.push(char(rng));
        } else {
            s.push_str(*rng.pick(&PIECES));
        }
    }
    *budget = budget.saturating_sub(n as u32 / 4);
    s
}

/// A list length: mostly short, sometimes empty, now and then long (long
/// lists only of flat elements, and only while the budget lasts).
fn list_len(rng: &mut Rng, budget: &mut u32, nested: bool) -> u64 {
    let len = match rng.below(10) {
        0 | 1 => 0,
        2..=7 => rng.range(1, 4),
        8 => rng.range(5, 40),
        _ if !nested => rng.range(100, 1500),
        _ => rng.range(5, 20),
    };
    len.min(*budget as u64 / 2)
}

/// True if `got` is what the Canonical ABI promises for `sent`: equal, with
/// floats compared bit for bit except that any NaN may arrive as any NaN
/// (the spec lets a NaN's payload change), and flags and map entries as
/// sets.
pub fn same(sent: &Val, got: &Val) -> bool {
    match (sent, got) {
        (Val::Float32(a), Val::Float32(b)) => {
            (a.is_nan() && b.is_nan()) || a.to_bits() == b.to_bits()
        }
        (Val::Float64(a), Val::Float64(b)) => {
            (a.is_nan() && b.is_nan()) || a.to_bits() == b.to_bits()
        }
        (Val::List(a), Val::List(b)) | (Val::Tuple(a), Val::Tuple(b)) => all_same(a, b),
        (Val::FixedLengthList(a), Val::FixedLengthList(b)) => all_same(a, b),
        // Entries in any order (Go's maps have none).
        (Val::Map(a), Val::Map(b)) => {
            a.len() == b.len()
                && a.iter()
                    .all(|(ka, va)| b.iter().any(|(kb, vb)| same(ka, kb) && same(va, vb)))
        }
        (Val::Record(a), Val::Record(b)) => {
            a.len() == b.len()
                && a.iter()
                    .zip(b)
                    .all(|((na, va), (nb, vb))| na == nb && same(va, vb))
        }
        (Val::Variant(na, a), Val::Variant(nb, b)) => na == nb && same_opt(a, b),
        (Val::Option(a), Val::Option(b)) => same_opt(a, b),
        (Val::Result(Ok(a)), Val::Result(Ok(b))) | (Val::Result(Err(a)), Val::Result(Err(b))) => {
            same_opt(a, b)
        }
        (Val::Flags(a), Val::Flags(b)) => {
            let (mut a, mut b) = (a.clone(), b.clone());
            a.sort();
            b.sort();
            a == b
        }
        (Val::Result(_), Val::Result(_)) => false,
        (a, b) => a == b,
    }
}

fn all_same(a: &[Val], b: &[Val]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(a, b)| same(a, b))
}

fn same_opt(a: &Option<Box<Val>>, b: &Option<Box<Val>>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => same(a, b),
        (None, None) => true,
        _ => false,
    }
}

/// `v` in Debug form, cut to `max` characters, for failure messages.
pub fn show(v: &Val, max: usize) -> String {
    let s = format!("{v:?}");
    if s.len() <= max {
        return s;
    }
    let mut cut = max;
    while !s.is_char_boundary(cut) {
        cut -= 1;
    }
    format!("{}… ({} more bytes)", &s[..cut], s.len() - cut)
}
