//! Shared test helpers: a persistent compiled-component cache and fixture files.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use witgo_host::RunOptions;

/// A cache directory under Cargo's target dir, kept between test runs so
/// repeated runs skip compilation.
pub fn cache_dir() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR")).join("witgo-host-cache")
}

/// Options that use the test cache.
pub fn options() -> RunOptions {
    RunOptions {
        cache_dir: Some(cache_dir()),
        ..RunOptions::default()
    }
}

/// Writes `text` (a component in WAT) to `dir/name` and returns the path.
pub fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

/// A component with root functions, two exported interfaces and a few
/// value shapes, for `invoke`.
pub const CALC: &str = r#"
(component
  (core module $m
    (memory (export "memory") 1)
    (global $bump (mut i32) (i32.const 1024))
    (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
    (func (export "mul") (param i32 i32) (result i32) (i32.mul (local.get 0) (local.get 1)))
    (func (export "echo") (param i32 i32) (result i32)
      (i32.store (i32.const 8) (local.get 0))
      (i32.store (i32.const 12) (local.get 1))
      (i32.const 8))
    (func (export "maybe") (param i32 i32) (result i32)
      (i32.store8 (i32.const 16) (local.get 0))
      (i32.store (i32.const 20) (local.get 1))
      (i32.const 16))
    (func (export "nothing"))
    (func (export "boom") unreachable)
    (func (export "realloc") (param i32 i32 i32 i32) (result i32)
      (local $p i32)
      (local.set $p (global.get $bump))
      (global.set $bump (i32.add (global.get $bump) (local.get 3)))
      (local.get $p))
  )
  (core instance $i (instantiate $m))
  (func (export "add") (param "a" u32) (param "b" u32) (result u32) (canon lift (core func $i "add")))
  (func (export "echo") (param "s" string) (result string)
    (canon lift (core func $i "echo") (memory (core memory $i "memory")) (realloc (core func $i "realloc"))))
  (func (export "maybe") (param "x" (option u32)) (result (option u32))
    (canon lift (core func $i "maybe") (memory (core memory $i "memory"))))
  (func (export "nothing") (canon lift (core func $i "nothing")))
  (func (export "boom") (canon lift (core func $i "boom")))
  (func $add2 (param "a" u32) (param "b" u32) (result u32) (canon lift (core func $i "add")))
  (func $mul (param "a" u32) (param "b" u32) (result u32) (canon lift (core func $i "mul")))
  (instance $ops (export "add" (func $add2)) (export "mul" (func $mul)))
  (export "example:calc/ops@1.0.0" (instance $ops))
  (func $mul2 (param "a" u32) (param "b" u32) (result u32) (canon lift (core func $i "mul")))
  (instance $more (export "mul" (func $mul2)))
  (export "example:calc/more" (instance $more))
)
"#;

/// A `wasi:cli/run@0.2.0` program whose `run` body is `body` (a core function
/// body returning i32: 0 = ok, 1 = err) and which may call `$exit` (i32 -> ())
/// bound to `wasi:cli/exit@0.2.12#exit-with-code`.
pub fn p2_program(body: &str) -> String {
    format!(
        r#"
(component
  (import "wasi:cli/exit@0.2.12" (instance $exit
    (export "exit-with-code" (func (param "status-code" u8)))))
  (core func $exit_with_code (canon lower (func $exit "exit-with-code")))
  (core module $m
    (import "host" "exit" (func $exit (param i32)))
    (func (export "run") (result i32) {body}))
  (core instance $i (instantiate $m
    (with "host" (instance (export "exit" (func $exit_with_code))))))
  (func $run (result (result)) (canon lift (core func $i "run")))
  (instance $cli (export "run" (func $run)))
  (export "wasi:cli/run@0.2.0" (instance $cli))
)
"#
    )
}

/// A `wasi:cli/run@0.3.0` program: `run` is an async-lifted export (callback
/// ABI) that returns `ok` or `err` through `task.return`, or exits with
/// `wasi:cli/exit@0.3.0#exit-with-code`.
pub fn p3_program(body: &str) -> String {
    format!(
        r#"
(component
  (import "wasi:cli/exit@0.3.0" (instance $exit
    (export "exit-with-code" (func (param "status-code" u8)))))
  (core func $exit_with_code (canon lower (func $exit "exit-with-code")))
  (type $r (result))
  (core func $task_return (canon task.return (result $r)))
  (core module $m
    (import "host" "exit" (func $exit (param i32)))
    (import "host" "task.return" (func $task_return (param i32)))
    (func (export "run") (result i32) {body} (i32.const 0))
    (func (export "callback") (param i32 i32 i32) (result i32) unreachable))
  (core instance $i (instantiate $m
    (with "host" (instance
      (export "exit" (func $exit_with_code))
      (export "task.return" (func $task_return))))))
  (func $run async (result $r) (canon lift (core func $i "run") async (callback (core func $i "callback"))))
  (instance $cli (export "run" (func $run)))
  (export "wasi:cli/run@0.3.0" (instance $cli))
)
"#
    )
}
