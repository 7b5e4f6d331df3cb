//! `invoke`: calling exports from WAVE text, and its error messages.

mod common;

use witgo_host::invoke;

fn calc() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = common::write(dir.path(), "calc.wat", common::CALC);
    (dir, path)
}

fn call(call: &str) -> anyhow::Result<String> {
    let (_dir, path) = calc();
    invoke(&path, call, &common::options())
}

fn err(c: &str) -> String {
    format!("{:#}", call(c).expect_err(c))
}

#[test]
fn calls_root_function() {
    assert_eq!(call("add(1, 2)").unwrap(), "3");
    assert_eq!(call("  add( 40 ,2 ) ").unwrap(), "42");
}

#[test]
fn calls_interface_function_by_any_name_form() {
    assert_eq!(call("example:calc/ops@1.0.0#mul(2, 3)").unwrap(), "6");
    assert_eq!(call("example:calc/ops#mul(2, 3)").unwrap(), "6");
    assert_eq!(call("ops#mul(2, 3)").unwrap(), "6");
    assert_eq!(call("ops.mul(2, 3)").unwrap(), "6");
    assert_eq!(call("ops.add(2, 3)").unwrap(), "5");
    assert_eq!(call("more#mul(4, 5)").unwrap(), "20");
}

#[test]
fn strings_options_and_no_result() {
    assert_eq!(
        call(r#"echo("hi \"there\" ✓")"#).unwrap(),
        r#""hi \"there\" ✓""#
    );
    assert_eq!(call("maybe(some(4))").unwrap(), "some(4)");
    assert_eq!(call("maybe(none)").unwrap(), "none");
    // Trailing option parameters may be left out.
    assert_eq!(call("maybe()").unwrap(), "none");
    assert_eq!(call("nothing()").unwrap(), "");
    assert_eq!(call("nothing").unwrap(), "");
}

#[test]
fn unknown_function_lists_exports() {
    let msg = err("nope(1)");
    assert!(msg.contains("no exported function `nope`"), "{msg}");
    assert!(msg.contains("add(a: u32, b: u32) -> u32"), "{msg}");
    assert!(
        msg.contains("example:calc/ops@1.0.0#mul(a: u32, b: u32) -> u32"),
        "{msg}"
    );
    assert!(
        msg.contains("maybe(x: option<u32>) -> option<u32>"),
        "{msg}"
    );
    let msg = err("calc#add(1, 2)");
    assert!(msg.contains("no exported function `calc#add`"), "{msg}");
}

#[test]
fn ambiguous_name_lists_candidates() {
    let msg = err("mul(2, 3)");
    assert!(msg.contains("`mul` is ambiguous"), "{msg}");
    assert!(msg.contains("example:calc/ops@1.0.0#mul"), "{msg}");
    assert!(msg.contains("example:calc/more#mul"), "{msg}");
}

#[test]
fn wrong_arguments_are_explained() {
    let msg = err("add(1)");
    assert!(
        msg.contains("invalid arguments for `add(a: u32, b: u32) -> u32`"),
        "{msg}"
    );
    assert!(msg.contains("missing required param"), "{msg}");

    let msg = err("add(1, 2, 3)");
    assert!(msg.contains("more param(s) than expected"), "{msg}");
    // The caret points at the extra argument in the user's text.
    assert!(msg.contains("  add(1, 2, 3)\n            ^\n"), "{msg}");

    let msg = err(r#"add(1, "two")"#);
    assert!(msg.contains("invalid arguments"), "{msg}");
    assert!(msg.contains("  add(1, \"two\")\n         ^^^^^"), "{msg}");

    let msg = err("add(1, -2)");
    assert!(msg.contains("invalid arguments"), "{msg}");
}

#[test]
fn wrong_syntax_says_what_is_expected() {
    for bad in ["add 1 2", "", "(1, 2)", "add(1, 2"] {
        let msg = err(bad);
        assert!(
            msg.contains("expected a function call such as `add(1, 2)`")
                || msg.contains("arguments are WAVE values"),
            "{bad}: {msg}"
        );
    }
}

#[test]
fn trap_reports_trap_and_backtrace() {
    let msg = err("boom()");
    assert!(msg.contains("`boom` trapped"), "{msg}");
    assert!(msg.contains("unreachable"), "{msg}");
    assert!(msg.contains("wasm backtrace"), "{msg}");
}
