//! Builds a Go `wasip1` command and wraps it as a `wasi:cli/run@0.2` component.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use wasi_preview1_component_adapter_provider::{
    WASI_SNAPSHOT_PREVIEW1_ADAPTER_NAME, WASI_SNAPSHOT_PREVIEW1_COMMAND_ADAPTER,
};

const MAIN_GO: &str = r#"package main

import (
	"fmt"
	"os"
	"strconv"
)

func main() {
	fmt.Printf("hello from Go args=%q\n", os.Args[1:])
	fmt.Printf("argv0=%s greeting=%s\n", os.Args[0], os.Getenv("WITGO_GREETING"))
	fmt.Printf("home=%s\n", os.Getenv("HOME"))
	if len(os.Args) < 2 {
		return
	}
	switch os.Args[1] {
	case "exit":
		code, _ := strconv.Atoi(os.Args[2])
		os.Exit(code)
	case "panic":
		panic("boom")
	case "cat":
		data, err := os.ReadFile(os.Args[2])
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(5)
		}
		fmt.Printf("file=%s\n", data)
	}
}
"#;

/// The Go toolchain: `$GO`, `go` on `PATH`, or `/usr/local/go/bin/go`.
fn go() -> PathBuf {
    if let Some(go) = std::env::var_os("GO") {
        return go.into();
    }
    let on_path = std::env::var_os("PATH")
        .into_iter()
        .flat_map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .map(|dir| dir.join("go"))
        .find(|p| p.is_file());
    on_path.unwrap_or_else(|| PathBuf::from("/usr/local/go/bin/go"))
}

/// The hello component, built once per test process into Cargo's target tmp dir.
pub fn hello_component() -> &'static Path {
    static PATH: OnceLock<PathBuf> = OnceLock::new();
    PATH.get_or_init(|| {
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("go-hello");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("go.mod"), "module example.com/hello\n\ngo 1.25\n").unwrap();
        std::fs::write(dir.join("main.go"), MAIN_GO).unwrap();
        let module = dir.join("hello.core.wasm");
        let status = Command::new(go())
            .args(["build", "-o"])
            .arg(&module)
            .arg(".")
            .current_dir(&dir)
            .env("GOOS", "wasip1")
            .env("GOARCH", "wasm")
            .status()
            .expect("cannot run the Go toolchain (set $GO or put `go` on PATH)");
        assert!(status.success(), "go build failed");

        let bytes = std::fs::read(&module).unwrap();
        let component = wit_component::ComponentEncoder::default()
            .module(&bytes)
            .unwrap()
            .adapter(
                WASI_SNAPSHOT_PREVIEW1_ADAPTER_NAME,
                WASI_SNAPSHOT_PREVIEW1_COMMAND_ADAPTER,
            )
            .unwrap()
            .validate(true)
            .encode()
            .unwrap();
        let path = dir.join("hello.wasm");
        std::fs::write(&path, component).unwrap();
        path
    })
}
