//! Random WIT types for differential testing: a seeded generator of nested
//! types (lists, fixed-length lists, maps, options, results, tuples,
//! records, variants, enums, flags, strings, chars, floats) and their
//! spelling in WIT and in witgo's Go.

use std::fmt::Write;

/// A small deterministic generator (splitmix64): a seed names the same types
/// and values on every machine.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ 0xD1B5_4A32_D192_ED03)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (n > 0).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n
    }

    /// A number in `lo..=hi`.
    pub fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.below(hi - lo + 1)
    }

    /// True with probability `num/den`.
    pub fn chance(&mut self, num: u64, den: u64) -> bool {
        self.below(den) < num
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

/// A WIT type expression. Records, variants, enums and flags are named
/// definitions ([`Def`]) referred to by index.
#[derive(Clone, Debug, PartialEq)]
pub enum Ty {
    Bool,
    S8,
    U8,
    S16,
    U16,
    S32,
    U32,
    S64,
    U64,
    F32,
    F64,
    Char,
    String,
    List(Box<Ty>),
    Option(Box<Ty>),
    Result(Option<Box<Ty>>, Option<Box<Ty>>),
    Tuple(Vec<Ty>),
    /// `map<K, V>`; K is a string, an integer or a char.
    Map(Box<Ty>, Box<Ty>),
    /// `list<T, N>`.
    FixedList(Box<Ty>, u32),
    Named(usize),
}

/// A named type in the `types` interface.
#[derive(Clone, Debug)]
pub enum Def {
    /// Fields `f0`, `f1`, … of these types.
    Record(Vec<Ty>),
    /// Cases `c0`, `c1`, …, with or without a payload.
    Variant(Vec<Option<Ty>>),
    /// This many cases `c0`, `c1`, ….
    Enum(usize),
    /// This many flags `f0`, `f1`, ….
    Flags(usize),
}

impl Def {
    /// The WIT name of definition `i`.
    pub fn name(&self, i: usize) -> String {
        let kind = match self {
            Def::Record(_) => "rec",
            Def::Variant(_) => "var",
            Def::Enum(_) => "enm",
            Def::Flags(_) => "flg",
        };
        format!("{kind}{i}")
    }
}

const SCALARS: [Ty; 13] = [
    Ty::Bool,
    Ty::S8,
    Ty::U8,
    Ty::S16,
    Ty::U16,
    Ty::S32,
    Ty::U32,
    Ty::S64,
    Ty::U64,
    Ty::F32,
    Ty::F64,
    Ty::Char,
    Ty::String,
];

/// Generates types, adding the named definitions they use to `defs`.
pub struct TypeGen<'a> {
    pub rng: &'a mut Rng,
    pub defs: &'a mut Vec<Def>,
}

impl TypeGen<'_> {
    /// A type nested at most `depth` levels deep.
    pub fn ty(&mut self, depth: u32) -> Ty {
        if depth == 0 || self.rng.chance(1, 3) {
            return self.rng.pick(&SCALARS).clone();
        }
        let d = depth - 1;
        match self.rng.below(12) {
            10 => {
                let key = self
                    .rng
                    .pick(&[Ty::String, Ty::U32, Ty::S64, Ty::Char, Ty::U8])
                    .clone();
                Ty::Map(Box::new(key), Box::new(self.ty(d)))
            }
            11 => Ty::FixedList(Box::new(self.ty(d)), self.rng.range(1, 6) as u32),
            0 | 1 => Ty::List(Box::new(self.ty(d))),
            2 => Ty::Option(Box::new(self.ty(d))),
            3 => {
                let ok = self.rng.chance(3, 4).then(|| Box::new(self.ty(d)));
                let err = self.rng.chance(3, 4).then(|| Box::new(self.ty(d)));
                Ty::Result(ok, err)
            }
            4 => {
                let n = self.rng.range(1, 5);
                Ty::Tuple((0..n).map(|_| self.ty(d)).collect())
            }
            5 | 6 => {
                // Records with many fields flatten past the 16-value limit.
                let n = if self.rng.chance(1, 6) {
                    self.rng.range(12, 20)
                } else {
                    self.rng.range(1, 5)
                };
                let fields = (0..n).map(|_| self.ty(d)).collect();
                self.define(Def::Record(fields))
            }
            7 => {
                let n = self.rng.range(1, 6);
                let cases = (0..n)
                    .map(|_| self.rng.chance(2, 3).then(|| self.ty(d)))
                    .collect();
                self.define(Def::Variant(cases))
            }
            8 => {
                // Past 256 cases the discriminant takes 16 bits.
                let n = if self.rng.chance(1, 8) {
                    self.rng.range(250, 300)
                } else {
                    self.rng.range(1, 6)
                };
                self.define(Def::Enum(n as usize))
            }
            _ => {
                // 1..8 flags: one byte; 9..16: two; 17..32: four.
                let n = *self.rng.pick(&[1, 3, 8, 9, 16, 17, 31, 32]);
                self.define(Def::Flags(n))
            }
        }
    }

    fn define(&mut self, def: Def) -> Ty {
        self.defs.push(def);
        Ty::Named(self.defs.len() - 1)
    }
}

/// The WIT spelling of `ty`.
pub fn wit_type(ty: &Ty, defs: &[Def]) -> String {
    match ty {
        Ty::Bool => "bool".into(),
        Ty::S8 => "s8".into(),
        Ty::U8 => "u8".into(),
        Ty::S16 => "s16".into(),
        Ty::U16 => "u16".into(),
        Ty::S32 => "s32".into(),
        Ty::U32 => "u32".into(),
        Ty::S64 => "s64".into(),
        Ty::U64 => "u64".into(),
        Ty::F32 => "f32".into(),
        Ty::F64 => "f64".into(),
        Ty::Char => "char".into(),
        Ty::String => "string".into(),
        Ty::List(t) => format!("list<{}>", wit_type(t, defs)),
        Ty::Option(t) => format!("option<{}>", wit_type(t, defs)),
        Ty::Result(None, None) => "result".into(),
        Ty::Result(Some(ok), None) => format!("result<{}>", wit_type(ok, defs)),
        Ty::Result(ok, Some(err)) => {
            let ok = ok.as_ref().map_or("_".into(), |t| wit_type(t, defs));
            format!("result<{ok}, {}>", wit_type(err, defs))
        }
        Ty::Tuple(ts) => format!(
            "tuple<{}>",
            ts.iter()
                .map(|t| wit_type(t, defs))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Ty::Map(k, v) => format!("map<{}, {}>", wit_type(k, defs), wit_type(v, defs)),
        Ty::FixedList(t, n) => format!("list<{}, {n}>", wit_type(t, defs)),
        Ty::Named(i) => defs[*i].name(*i),
    }
}

/// The WIT definition of named type `i`.
pub fn wit_def(i: usize, defs: &[Def]) -> String {
    let name = defs[i].name(i);
    let mut out = String::new();
    match &defs[i] {
        Def::Record(fields) => {
            let fields: Vec<_> = fields
                .iter()
                .enumerate()
                .map(|(j, t)| format!("f{j}: {}", wit_type(t, defs)))
                .collect();
            write!(out, "record {name} {{ {} }}", fields.join(", ")).unwrap();
        }
        Def::Variant(cases) => {
            let cases: Vec<_> = cases
                .iter()
                .enumerate()
                .map(|(j, t)| match t {
                    Some(t) => format!("c{j}({})", wit_type(t, defs)),
                    None => format!("c{j}"),
                })
                .collect();
            write!(out, "variant {name} {{ {} }}", cases.join(", ")).unwrap();
        }
        Def::Enum(n) => {
            let cases: Vec<_> = (0..*n).map(|j| format!("c{j}")).collect();
            write!(out, "enum {name} {{ {} }}", cases.join(", ")).unwrap();
        }
        Def::Flags(n) => {
            let flags: Vec<_> = (0..*n).map(|j| format!("f{j}")).collect();
            write!(out, "flags {name} {{ {} }}", flags.join(", ")).unwrap();
        }
    }
    out
}

/// The Go spelling of `ty` in witgo's mapping (docs/go-api.md), with the
/// `types` interface's package imported as `t`.
pub fn go_type(ty: &Ty, defs: &[Def]) -> String {
    match ty {
        Ty::Bool => "bool".into(),
        Ty::S8 => "int8".into(),
        Ty::U8 => "uint8".into(),
        Ty::S16 => "int16".into(),
        Ty::U16 => "uint16".into(),
        Ty::S32 => "int32".into(),
        Ty::U32 => "uint32".into(),
        Ty::S64 => "int64".into(),
        Ty::U64 => "uint64".into(),
        Ty::F32 => "float32".into(),
        Ty::F64 => "float64".into(),
        Ty::Char => "rune".into(),
        Ty::String => "string".into(),
        Ty::List(t) => format!("[]{}", go_type(t, defs)),
        Ty::Option(t) => format!("wit.Option[{}]", go_type(t, defs)),
        Ty::Result(ok, err) => format!(
            "wit.Result[{}, {}]",
            go_opt_type(ok, defs),
            go_opt_type(err, defs)
        ),
        Ty::Tuple(ts) => {
            format!(
                "wit.Tuple{}[{}]",
                ts.len(),
                ts.iter()
                    .map(|t| go_type(t, defs))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        }
        Ty::Map(k, v) => format!("map[{}]{}", go_type(k, defs), go_type(v, defs)),
        Ty::FixedList(t, n) => format!("[{n}]{}", go_type(t, defs)),
        Ty::Named(i) => {
            let name = defs[*i].name(*i);
            format!("t.{}{}", name[..1].to_uppercase(), &name[1..])
        }
    }
}

/// A result's payload type in Go: `struct{}` when absent.
fn go_opt_type(ty: &Option<Box<Ty>>, defs: &[Def]) -> String {
    ty.as_ref().map_or("struct{}".into(), |t| go_type(t, defs))
}
