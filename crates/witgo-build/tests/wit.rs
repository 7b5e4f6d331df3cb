mod common;

use common::{err_text, write};
use witgo_build::{load_wit, load_wit_sources, select_world};

#[test]
fn malformed_wit_shows_file_line_col() {
    let dir = tempfile::tempdir().unwrap();
    let wit = write(
        dir.path(),
        "wit/world.wit",
        "package test:app;\n\nworld app {\n  export run: func() -> strng;\n}\n",
    );
    let e = err_text(load_wit(&wit).unwrap_err());
    println!("{e}");
    assert!(e.contains(&format!("{}:4:", wit.display())), "{e}");
    assert!(e.contains("strng"), "{e}");
}

#[test]
fn syntax_error_in_directory_shows_file_line_col() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "wit/a.wit",
        "package test:app;\n\nworld app {}\n",
    );
    let b = write(
        dir.path(),
        "wit/b.wit",
        "interface i {\n  f: func(x: u32) ->;\n}\n",
    );
    let e = err_text(load_wit(&dir.path().join("wit")).unwrap_err());
    println!("{e}");
    assert!(e.contains(&format!("{}:2:", b.display())), "{e}");
}

#[test]
fn missing_wit_path() {
    let e = err_text(load_wit(std::path::Path::new("/nonexistent/x.wit")).unwrap_err());
    assert!(
        e.contains("/nonexistent/x.wit") && e.contains("does not exist"),
        "{e}"
    );
}

const MULTI: &str = r#"package test:app@0.1.0;

interface logger { log: func(msg: string); }

world %type { export f: func(); }
world cli { import logger; export run: func() -> u32; }
world http { import logger; export handle: func(req: string) -> string; }
world empty {}

@unstable(feature = shiny)
interface shiny { glow: func(); }
world unstable-user { import shiny; }
"#;

#[test]
fn unknown_world_lists_available_worlds() {
    let dir = tempfile::tempdir().unwrap();
    let wit = write(dir.path(), "app.wit", MULTI);
    let (mut resolve, pkg) = load_wit(&wit).unwrap();
    let e = err_text(select_world(&mut resolve, pkg, &["clii".into()]).unwrap_err());
    println!("{e}");
    assert!(e.contains("unknown world `clii`"), "{e}");
    assert!(e.contains("test:app@0.1.0"), "{e}");
    assert!(
        e.contains("available worlds: %type, cli, http, empty, unstable-user"),
        "{e}"
    );
}

#[test]
fn no_world_named_with_several_worlds() {
    let dir = tempfile::tempdir().unwrap();
    let wit = write(dir.path(), "app.wit", MULTI);
    let (mut resolve, pkg) = load_wit(&wit).unwrap();
    let e = err_text(select_world(&mut resolve, pkg, &[]).unwrap_err());
    assert!(e.contains("--world"), "{e}");
    assert!(e.contains("test:app/cli@0.1.0"), "{e}");
}

#[test]
fn world_names_keyword_and_qualified() {
    let dir = tempfile::tempdir().unwrap();
    let wit = write(dir.path(), "app.wit", MULTI);
    let (mut resolve, pkg) = load_wit(&wit).unwrap();
    let w = select_world(&mut resolve, pkg, &["%type".into()]).unwrap();
    assert_eq!(resolve.worlds[w].name, "type");
    // Without the WIT escape too.
    let w = select_world(&mut resolve, pkg, &["type".into()]).unwrap();
    assert_eq!(resolve.worlds[w].name, "type");
    let w = select_world(&mut resolve, pkg, &["test:app/cli@0.1.0".into()]).unwrap();
    assert_eq!(resolve.worlds[w].name, "cli");
    let w = select_world(&mut resolve, pkg, &["test:app/http".into()]).unwrap();
    assert_eq!(resolve.worlds[w].name, "http");
    // The same world twice is just that world.
    let w = select_world(&mut resolve, pkg, &["cli".into(), "test:app/cli".into()]).unwrap();
    assert_eq!(resolve.worlds[w].name, "cli");
}

#[test]
fn unstable_items_are_visible() {
    let dir = tempfile::tempdir().unwrap();
    let wit = write(dir.path(), "app.wit", MULTI);
    let (mut resolve, pkg) = load_wit(&wit).unwrap();
    let w = select_world(&mut resolve, pkg, &["unstable-user".into()]).unwrap();
    assert_eq!(resolve.worlds[w].imports.len(), 1);
    assert!(resolve.packages[pkg].interfaces.contains_key("shiny"));
}

#[test]
fn several_worlds_are_merged() {
    let dir = tempfile::tempdir().unwrap();
    let wit = write(dir.path(), "app.wit", MULTI);
    let (mut resolve, pkg) = load_wit(&wit).unwrap();
    let w = select_world(&mut resolve, pkg, &["cli".into(), "http".into()]).unwrap();
    let world = &resolve.worlds[w];
    assert_eq!(world.name, "cli-http");
    assert_eq!(world.imports.len(), 1, "logger imported once");
    let exports: Vec<String> = world
        .exports
        .keys()
        .map(|k| resolve.name_world_key(k))
        .collect();
    assert_eq!(exports, ["run", "handle"]);
    assert_eq!(resolve.packages[pkg].worlds.get("cli-http"), Some(&w));
    // The merged world encodes as component metadata.
    let mut module = wasm_encoder::Module::new().finish();
    witgo_build::embed_wit(&mut module, &resolve, w).unwrap();
}

#[test]
fn conflicting_worlds_fail_to_merge() {
    let dir = tempfile::tempdir().unwrap();
    let wit = write(
        dir.path(),
        "app.wit",
        "package test:c;\nworld a { export f: func(); }\nworld b { export f: func(x: u32); }\n",
    );
    let (mut resolve, pkg) = load_wit(&wit).unwrap();
    let e = err_text(select_world(&mut resolve, pkg, &["a".into(), "b".into()]).unwrap_err());
    println!("{e}");
    assert!(e.contains("cannot merge world test:c/b"), "{e}");
}

#[test]
fn directory_with_deps_and_sources() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("wit");
    write(
        &root,
        "deps/logging/logging.wit",
        "package dep:logging;\ninterface log { log: func(s: string); }\nworld logger { import log; }\n",
    );
    write(
        &root,
        "app.wit",
        "package test:app;\nworld app { import dep:logging/log; export run: func(); }\n",
    );
    let loaded = load_wit_sources(&root).unwrap();
    let names: Vec<String> = loaded
        .sources
        .iter()
        .map(|p| p.strip_prefix(&root).unwrap().display().to_string())
        .collect();
    assert_eq!(names, ["app.wit", "deps/logging/logging.wit"]);
    let mut resolve = loaded.resolve;
    select_world(&mut resolve, loaded.package, &["app".into()]).unwrap();
    // A world in a dependency, by its full name.
    let w = select_world(&mut resolve, loaded.package, &["dep:logging/logger".into()]).unwrap();
    assert_eq!(resolve.worlds[w].name, "logger");
    let e = err_text(
        select_world(&mut resolve, loaded.package, &["dep:logging/nope".into()]).unwrap_err(),
    );
    assert!(e.contains("available worlds: dep:logging/logger"), "{e}");
    let e = err_text(
        select_world(&mut resolve, loaded.package, &["dep:nothing/nope".into()]).unwrap_err(),
    );
    assert!(e.contains("known packages: dep:logging, test:app"), "{e}");
}
