//! Joins gofmt-clean Go files of one package that share a build constraint
//! into one file, so that vendoring a support package writes a handful of
//! files rather than one per source file (on a slow disk each file created
//! costs about a millisecond, most of bindgen's time).
//!
//! Only the layout witgo's own support packages use is understood: an
//! optional `//go:build` line, comments, the `package` clause, import
//! declarations, then declarations. Anything else is reported as an error,
//! and the caller keeps the files apart; a test checks that every support
//! file parses.

use std::collections::BTreeMap;

use anyhow::{Result, bail};

/// A Go source file split at the boundaries merging cares about.
#[derive(Debug, PartialEq, Eq)]
pub struct GoSource<'a> {
    /// The whole file.
    pub text: &'a str,
    /// The `//go:build` line, if any.
    pub build: Option<&'a str>,
    /// The package doc comment (the comment lines right above `package`).
    pub doc: Vec<&'a str>,
    pub package: &'a str,
    /// Each imported package: (path, name if any, e.g. `_`).
    pub imports: Vec<(&'a str, Option<&'a str>)>,
    /// Everything after the imports, without surrounding blank lines.
    pub body: &'a str,
}

/// Splits `text` (gofmt-clean Go).
pub fn parse(text: &str) -> Result<GoSource<'_>> {
    let mut rest = text;
    let mut build = None;
    let mut doc = Vec::new();
    // Up to the package clause: a build line, comments, blank lines. Only
    // the comment block right above `package` is its doc; blocks separated
    // by a blank line (e.g. "Code generated ... DO NOT EDIT.") are dropped.
    let package = loop {
        let Some((line, tail)) = next_line(rest) else {
            bail!("no package clause");
        };
        rest = tail;
        if let Some(name) = line.strip_prefix("package ") {
            break name.trim();
        } else if line.starts_with("//go:build ") {
            build = Some(line);
        } else if line.is_empty() {
            doc.clear();
        } else if line.starts_with("//") {
            doc.push(line);
        } else {
            bail!("unexpected line before the package clause: {line:?}");
        }
    };
    if package.is_empty() || !package.chars().all(|c| c.is_alphanumeric() || c == '_') {
        bail!("unexpected package clause {package:?}");
    }

    let mut imports = Vec::new();
    loop {
        let trimmed = rest.trim_start_matches('\n');
        let Some((line, tail)) = next_line(trimmed) else {
            rest = trimmed;
            break;
        };
        if line == "import (" {
            let mut block = tail;
            loop {
                let Some((line, tail)) = next_line(block) else {
                    bail!("unterminated import block");
                };
                block = tail;
                match line.trim() {
                    ")" => break,
                    "" => {}
                    spec => imports.push(import_spec(spec)?),
                }
            }
            rest = block;
        } else if let Some(spec) = line.strip_prefix("import ") {
            imports.push(import_spec(spec)?);
            rest = tail;
        } else {
            rest = trimmed;
            break;
        }
    }
    let body = rest.trim_matches('\n');
    if body
        .lines()
        .any(|l| l.starts_with("import ") || l.starts_with("package "))
    {
        bail!("an import or package clause after the declarations began");
    }
    Ok(GoSource {
        text,
        build,
        doc,
        package,
        imports,
        body,
    })
}

fn next_line(text: &str) -> Option<(&str, &str)> {
    if text.is_empty() {
        return None;
    }
    Some(text.split_once('\n').unwrap_or((text, "")))
}

/// `"path"`, `name "path"`, either with a trailing `// comment` (dropped).
fn import_spec(spec: &str) -> Result<(&str, Option<&str>)> {
    let spec = spec.split_once("//").map_or(spec, |(s, _)| s).trim();
    let (name, quoted) = match spec.split_once(' ') {
        Some((name, quoted)) => (Some(name), quoted.trim()),
        None => (None, spec),
    };
    match quoted.strip_prefix('"').and_then(|q| q.strip_suffix('"')) {
        Some(path) if !path.is_empty() && !path.contains(['"', '\\']) => Ok((path, name)),
        _ => bail!("unexpected import spec {spec:?}"),
    }
}

/// One file made of `files` ((name, source) pairs, all of one package and
/// one build constraint), gofmt-clean: `header` (a `//` comment), the build
/// line, the package doc, the union of the imports (standard library first,
/// then the rest, each sorted; a blank import dropped where the package is
/// also imported by name), then each file's declarations under a
/// `// From <name>.` note.
pub fn merge(header: &str, files: &[(&str, GoSource<'_>)]) -> Result<String> {
    let Some((_, first)) = files.first() else {
        bail!("nothing to merge");
    };
    let mut names: BTreeMap<&str, Option<&str>> = BTreeMap::new();
    for (file, src) in files {
        if src.package != first.package || src.build != first.build {
            bail!("{file} has another package or build constraint");
        }
        for &(path, name) in &src.imports {
            match (names.get(path).copied(), name) {
                (None, name) | (Some(Some("_")), name) => {
                    names.insert(path, name);
                }
                (Some(_), Some("_")) => {}
                (Some(old), new) if old == new => {}
                (Some(_), _) => bail!("{path} is imported under two names"),
            }
        }
    }

    let mut out = String::new();
    out.push_str(header);
    out.push_str("\n\n");
    if let Some(build) = first.build {
        out.push_str(build);
        out.push_str("\n\n");
    }
    for (_, src) in files {
        for line in &src.doc {
            out.push_str(line);
            out.push('\n');
        }
    }
    out.push_str("package ");
    out.push_str(first.package);
    out.push('\n');

    // gofmt sorts each group of imports by path; a dot in the first path
    // element tells a module path from the standard library (for the
    // vendored support packages, their `witgo/...` paths are not rewritten yet:
    // those go last).
    let is_std = |path: &str| {
        let head = path.split('/').next().unwrap_or(path);
        !head.contains('.') && head != "witgo"
    };
    let spell = |path: &str, name: Option<&str>| match name {
        Some(name) => format!("{name} \"{path}\""),
        None => format!("\"{path}\""),
    };
    let std: Vec<String> = names
        .iter()
        .filter(|(p, _)| is_std(p))
        .map(|(p, n)| spell(p, *n))
        .collect();
    let other: Vec<String> = names
        .iter()
        .filter(|(p, _)| !is_std(p))
        .map(|(p, n)| spell(p, *n))
        .collect();
    match (std.len(), other.len()) {
        (0, 0) => {}
        (1, 0) => out.push_str(&format!("\nimport {}\n", std[0])),
        (0, 1) => out.push_str(&format!("\nimport {}\n", other[0])),
        _ => {
            out.push_str("\nimport (\n");
            for group in [&std, &other]
                .into_iter()
                .filter(|g| !g.is_empty())
                .enumerate()
            {
                if group.0 > 0 {
                    out.push('\n');
                }
                for spec in group.1 {
                    out.push('\t');
                    out.push_str(spec);
                    out.push('\n');
                }
            }
            out.push_str(")\n");
        }
    }
    for (file, src) in files {
        if src.body.is_empty() {
            continue;
        }
        // A blank line after the note keeps it off the first declaration's doc.
        out.push_str(&format!("\n// From {file}.\n\n"));
        out.push_str(src.body);
        out.push('\n');
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_layouts_in_use() {
        let src = parse(
            "// Code generated by a script. DO NOT EDIT.\n\n// Package p does things.\npackage p\n\n\
             import _ \"unsafe\" // for go:linkname\n\nimport (\n\t\"sync\"\n\n\t\"witgo/abi\"\n)\n\n\
             // F is f.\nfunc F() {}\n",
        )
        .unwrap();
        assert_eq!(src.build, None);
        assert_eq!(src.doc, ["// Package p does things."]);
        assert_eq!(src.package, "p");
        assert_eq!(
            src.imports,
            [("unsafe", Some("_")), ("sync", None), ("witgo/abi", None)]
        );
        assert_eq!(src.body, "// F is f.\nfunc F() {}");

        let tagged = parse("//go:build wasip1\n\npackage p\n\nvar x int\n").unwrap();
        assert_eq!(tagged.build, Some("//go:build wasip1"));
        assert!(tagged.doc.is_empty() && tagged.imports.is_empty());
    }

    #[test]
    fn rejects_what_it_does_not_understand() {
        assert!(parse("var x int\n").is_err());
        assert!(parse("package p\n\nimport (\n\t\"a\"\n").is_err());
        assert!(parse("package p\n\nvar x int\n\nimport \"a\"\n").is_err());
        assert!(parse("package p\n\nimport a.b\n").is_err());
    }

    #[test]
    fn merges_imports_and_bodies() {
        let a =
            parse("// Package p does things.\npackage p\n\nimport _ \"unsafe\"\n\nfunc A() {}\n")
                .unwrap();
        let b = parse("package p\n\nimport (\n\t\"unsafe\"\n\n\t\"witgo/abi\"\n)\n\nfunc B() {}\n")
            .unwrap();
        let c = parse("package p\n\nimport \"sync\"\n").unwrap();
        let merged = merge("// Header.", &[("a.go", a), ("b.go", b), ("c.go", c)]).unwrap();
        assert_eq!(
            merged,
            "// Header.\n\n// Package p does things.\npackage p\n\nimport (\n\t\"sync\"\n\t\"unsafe\"\n\n\t\"witgo/abi\"\n)\n\n\
             // From a.go.\n\nfunc A() {}\n\n// From b.go.\n\nfunc B() {}\n"
        );
    }

    #[test]
    fn refuses_mixed_constraints_and_clashing_names() {
        let a = || parse("//go:build wasip1\n\npackage p\n").unwrap();
        let b = || parse("package p\n").unwrap();
        assert!(merge("//", &[("a.go", a()), ("b.go", b())]).is_err());
        let x = parse("package p\n\nimport x \"m/q\"\n").unwrap();
        let y = parse("package p\n\nimport y \"m/q\"\n").unwrap();
        assert!(merge("//", &[("x.go", x), ("y.go", y)]).is_err());
    }
}
