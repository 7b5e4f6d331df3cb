//! A world with no interfaces: world-level types (record, enum, variant,
//! flags, alias), 6 world-level imports and 14 world-level exports, which Go
//! implements as methods of a type named after the world.

use wasmtime::component::HasSelf;
use witgo_e2e::{Session, component, linker};

wasmtime::component::bindgen!({
    path: "guests/toplevel/world.wit",
    world: "toplevel",
    exports: { default: async },
    additional_derives: [PartialEq],
});

#[derive(Default)]
struct Rec {
    calls: Vec<String>,
}

impl ToplevelImports for Rec {
    fn log(&mut self, msg: String) {
        self.calls.push(format!("log {msg}"));
    }
    fn host_add(&mut self, a: u32, b: u32) -> u32 {
        self.calls.push(format!("host-add {a} {b}"));
        a + b
    }
    fn host_pair(&mut self, p: Pair) -> Pair {
        self.calls.push(format!("host-pair {} {}", p.a, p.b));
        Pair {
            a: p.a * 2,
            b: p.b.to_uppercase(),
        }
    }
    fn host_items(&mut self, n: u32) -> Vec<Item> {
        self.calls.push(format!("host-items {n}"));
        (0..n)
            .map(|i| match i % 3 {
                0 => Item::Num(-(i as i64) - 1),
                1 => Item::Text(format!("t{i}")),
                _ => Item::Blank,
            })
            .collect()
    }
    fn host_mode(&mut self, fail: bool) -> Result<Mode, String> {
        self.calls.push(format!("host-mode {fail}"));
        if fail {
            Err("no mode".into())
        } else {
            Ok(Mode::Slow)
        }
    }
    fn host_maybe(&mut self, x: u32) -> Option<String> {
        self.calls.push(format!("host-maybe {x}"));
        (x != 0).then(|| "x".repeat(x as usize))
    }
}

async fn start() -> (Session<Rec>, Toplevel) {
    let mut linker = linker::<Rec>();
    Toplevel::add_to_linker::<_, HasSelf<Rec>>(&mut linker, |ctx| &mut ctx.data.rec).unwrap();
    let mut s = Session::new(Rec::default());
    let guest = Toplevel::instantiate_async(&mut s.store, &component("toplevel"), &linker)
        .await
        .unwrap();
    (s, guest)
}

#[tokio::test]
async fn host_calls_world_level_exports() {
    let (mut s, g) = start().await;
    let st = &mut s.store;
    for _ in 0..3 {
        g.call_ping(&mut *st).await.unwrap();
    }
    assert_eq!(g.call_pings(&mut *st).await.unwrap(), 3);
    assert_eq!(
        g.call_add(&mut *st, u32::MAX - 1, 1).await.unwrap(),
        u32::MAX
    );
    assert_eq!(g.call_neg(&mut *st, i64::MAX).await.unwrap(), -i64::MAX);
    assert_eq!(g.call_neg(&mut *st, -5).await.unwrap(), 5);
    assert_eq!(
        g.call_upper(&mut *st, "héllo wörld").await.unwrap(),
        "HÉLLO WÖRLD"
    );
    assert_eq!(
        g.call_swap(
            &mut *st,
            &Pair {
                a: 42,
                b: "four".into()
            }
        )
        .await
        .unwrap(),
        Pair {
            a: 4,
            b: "42".into()
        }
    );
    assert_eq!(
        g.call_flip_mode(&mut *st, Mode::Fast).await.unwrap(),
        Mode::Slow
    );
    assert_eq!(
        g.call_flip_mode(&mut *st, Mode::Slow).await.unwrap(),
        Mode::Fast
    );
    let items = [Item::Num(i64::MIN), Item::Text("t🌍".into()), Item::Blank];
    assert_eq!(
        g.call_describe(&mut *st, &items).await.unwrap(),
        ["num(-9223372036854775808)", "text(t🌍)", "blank"]
    );
    assert_eq!(
        g.call_toggle(&mut *st, Perms::READ).await.unwrap(),
        Perms::WRITE | Perms::EXEC
    );
    assert_eq!(
        g.call_toggle(&mut *st, Perms::empty()).await.unwrap(),
        Perms::READ | Perms::WRITE | Perms::EXEC
    );
    assert_eq!(
        g.call_maybe_double(&mut *st, Some(21)).await.unwrap(),
        Some(42)
    );
    assert_eq!(g.call_maybe_double(&mut *st, None).await.unwrap(), None);
    assert_eq!(
        g.call_try_div(&mut *st, 7, 2).await.unwrap(),
        Ok::<_, String>(3)
    );
    assert_eq!(
        g.call_try_div(&mut *st, 7, 0).await.unwrap(),
        Err("division by zero".into())
    );
    assert_eq!(
        g.call_split(&mut *st, "世界🌍", 3).await.unwrap(),
        ("世".into(), "界🌍".into())
    );
    assert_eq!(
        g.call_sum_ids(&mut *st, &vec![1, 2, u64::MAX - 3])
            .await
            .unwrap(),
        u64::MAX
    );
    assert_eq!(g.call_sum_ids(&mut *st, &vec![]).await.unwrap(), 0);
}

#[tokio::test]
async fn go_calls_world_level_imports() {
    let (mut s, g) = start().await;
    let out = g.call_use_imports(&mut s.store).await.unwrap();
    assert_eq!(
        out,
        [
            "host-add 42",
            "host-pair {A:14 B:SEVEN}",
            "host-items [num(-1) text(t1) blank]",
            "host-mode ok slow <nil>",
            "host-mode err true \"no mode\"",
            "host-maybe \"x\" true",
            "host-maybe \"\" false",
        ]
    );
    assert_eq!(
        s.rec().calls,
        [
            "log hello from Go 🌍",
            "host-add 40 2",
            "host-pair 7 seven",
            "host-items 3",
            "host-mode false",
            "host-mode true",
            "host-maybe 1",
            "host-maybe 0",
        ]
    );
}
