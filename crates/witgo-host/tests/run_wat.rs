//! `run` on small hand-written components: exit codes, traps, WASI 0.2 and 0.3.

mod common;

use witgo_host::run;

fn run_text(name: &str, text: &str) -> anyhow::Result<i32> {
    let dir = tempfile::tempdir().unwrap();
    let path = common::write(dir.path(), name, text);
    run(&path, &common::options())
}

#[test]
fn p2_ok_is_exit_0_and_err_is_exit_1() {
    assert_eq!(
        run_text("ok.wat", &common::p2_program("(i32.const 0)")).unwrap(),
        0
    );
    assert_eq!(
        run_text("err.wat", &common::p2_program("(i32.const 1)")).unwrap(),
        1
    );
}

#[test]
fn p2_exit_with_code_keeps_the_code() {
    let program = common::p2_program("(call $exit (i32.const 7)) unreachable");
    assert_eq!(run_text("exit7.wat", &program).unwrap(), 7);
}

#[test]
fn p3_async_run_returns_ok_err_and_exit_codes() {
    let ok = common::p3_program("(call $task_return (i32.const 0))");
    assert_eq!(run_text("p3ok.wat", &ok).unwrap(), 0);
    let err = common::p3_program("(call $task_return (i32.const 1))");
    assert_eq!(run_text("p3err.wat", &err).unwrap(), 1);
    let exit = common::p3_program("(call $exit (i32.const 42)) unreachable");
    assert_eq!(run_text("p3exit.wat", &exit).unwrap(), 42);
}

#[test]
fn trap_is_an_error_with_trap_text_and_backtrace() {
    let program = common::p2_program("unreachable");
    let msg = format!(
        "{}",
        run_text("trap.wat", &program).unwrap_err().root_cause()
    );
    assert!(msg.contains("trapped"), "{msg}");
    assert!(msg.contains("unreachable"), "{msg}");
    assert!(msg.contains("wasm backtrace"), "{msg}");
}

#[test]
fn component_without_cli_run_is_not_a_program() {
    let msg = format!("{:#}", run_text("calc.wat", common::CALC).unwrap_err());
    assert!(msg.contains("does not export `wasi:cli/run`"), "{msg}");
    assert!(msg.contains("available exports"), "{msg}");
}

#[test]
fn core_module_is_rejected_with_advice() {
    let msg = format!("{:#}", run_text("core.wasm", "").unwrap_err());
    assert!(msg.contains("not a WebAssembly component"), "{msg}");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("core.wasm");
    std::fs::write(&path, wat_module()).unwrap();
    let msg = format!("{:#}", run(&path, &common::options()).unwrap_err());
    assert!(
        msg.contains("core WebAssembly module, not a component"),
        "{msg}"
    );
}

#[test]
fn missing_imports_name_what_is_provided() {
    let program = r#"(component
        (import "example:missing/thing" (instance (export "f" (func))))
        (core module $m (func (export "run") (result i32) (i32.const 0)))
        (core instance $i (instantiate $m))
        (func $run (result (result)) (canon lift (core func $i "run")))
        (instance $cli (export "run" (func $run)))
        (export "wasi:cli/run@0.2.0" (instance $cli)))"#;
    let msg = format!("{:#}", run_text("missing.wat", program).unwrap_err());
    assert!(msg.contains("cannot instantiate the component"), "{msg}");
    assert!(msg.contains("example:missing/thing"), "{msg}");
}

/// The smallest core module, as binary.
fn wat_module() -> Vec<u8> {
    b"\0asm\x01\0\0\0".to_vec()
}

/// Optional component-model features are off, as on a default-configured
/// Wasmtime CLI: a component that needs one is refused with the `-W` flag
/// that accepts it, and runs once the feature is turned on.
#[test]
fn optional_features_are_off_until_asked_for() {
    // A p2 program that also defines (and never calls) error-context.drop.
    let program = common::p2_program("(i32.const 0)").replacen(
        "(component",
        "(component\n  (core func $unused_ecd (canon error-context.drop))",
        1,
    );
    let dir = tempfile::tempdir().unwrap();
    let path = common::write(dir.path(), "ec.wat", &program);
    let err = format!("{:#}", run(&path, &common::options()).unwrap_err());
    assert!(err.contains("-W component-model-error-context"), "{err}");
    let mut opts = common::options();
    opts.features
        .apply("component-model-error-context")
        .unwrap();
    assert_eq!(run(&path, &opts).unwrap(), 0);
}
