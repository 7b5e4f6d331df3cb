//! Loading WIT and choosing the world to build for.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, anyhow, bail};
use wit_parser::{
    CloneMaps, PackageId, Resolve, SourceMap, UnresolvedPackageGroup, World, WorldId, WorldItem,
    WorldKey,
};

/// WIT loaded from a file or directory.
#[derive(Clone, Debug)]
pub struct LoadedWit {
    pub resolve: Resolve,
    /// The main package (the file, or the directory's own package).
    pub package: PackageId,
    /// Every file parsed, including `deps/`, sorted.
    pub sources: Vec<PathBuf>,
}

/// Loads a `.wit` file or a directory of `.wit` files with its `deps/`.
///
/// Every `@unstable` feature is enabled. Errors show `file:line:col` and the
/// offending source line.
pub fn load_wit(path: &Path) -> Result<(Resolve, PackageId)> {
    let w = load_wit_sources(path)?;
    Ok((w.resolve, w.package))
}

/// [`load_wit`], also returning the list of files read.
///
/// The WASI 0.2.12 and 0.3.0 packages that witgo embeds are available to the
/// WIT as if they were in `deps/`; a package of the same name in the user's
/// own `deps/` wins.
pub fn load_wit_sources(path: &Path) -> Result<LoadedWit> {
    if !path.exists() {
        bail!("WIT path {} does not exist", path.display());
    }
    let context = || format!("invalid WIT in {}", path.display());
    let (main, mut deps, sources) = parse_user_wit(path).with_context(context)?;
    let mut defined: Vec<wit_parser::PackageName> = Vec::new();
    for g in std::iter::once(&main).chain(deps.iter()) {
        defined.push(g.main.name.clone());
        defined.extend(g.nested.iter().map(|p| p.name.clone()));
    }
    // Offer the embedded WASI packages that the user's WIT needs (directly or
    // through other WASI packages) and does not define itself; only those
    // are parsed (parsing all of them would be most of a small bindgen run).
    let mut wanted: Vec<wit_parser::PackageName> = Vec::new();
    let needs = |g: &UnresolvedPackageGroup| -> Vec<wit_parser::PackageName> {
        std::iter::once(&g.main)
            .chain(g.nested.iter())
            .flat_map(|p| p.foreign_deps.keys().cloned())
            .collect()
    };
    for g in std::iter::once(&main).chain(deps.iter()) {
        wanted.extend(needs(g));
    }
    while let Some(name) = wanted.pop() {
        if defined.contains(&name) {
            continue;
        }
        if let Some(group) = embedded_wasi(&name)? {
            defined.push(name);
            wanted.extend(needs(&group));
            deps.push(group);
        }
    }
    let mut resolve = Resolve {
        all_features: true,
        ..Resolve::default()
    };
    match resolve.push_groups(main, deps) {
        Ok(package) => Ok(LoadedWit {
            resolve,
            package,
            sources,
        }),
        Err(e) => {
            // Resolution errors carry spans into the resolve's source map:
            // render them so the user sees file:line:col and the line itself.
            let rendered = e.render(&resolve.source_map);
            Err(anyhow!("{rendered}")).with_context(context)
        }
    }
}

/// The embedded WASI package `name`, parsed, if witgo has it.
fn embedded_wasi(name: &wit_parser::PackageName) -> Result<Option<UnresolvedPackageGroup>> {
    let (Some(version), "wasi") = (&name.version, name.namespace.as_str()) else {
        return Ok(None);
    };
    let label = format!("<witgo>/wasi-{version}/{}.wit", name.name);
    let Some((label, text)) = crate::wasi_wit::PACKAGES.iter().find(|(l, _)| *l == label) else {
        return Ok(None);
    };
    let group = UnresolvedPackageGroup::parse(label, text)
        .map_err(|(map, e)| anyhow!("embedded WASI WIT {label}: {}", e.render(&map)))?;
    debug_assert_eq!(group.main.name, *name, "{label} holds another package");
    Ok(Some(group))
}

/// The world `witgo test` builds a package's tests for: `world`'s imports
/// and `export wasi:cli/run@0.3.0` (the test binary's main). The
/// component's main package implements `world`'s exports, so its tests
/// (`with_exports`) keep them, and keep a `wasi:cli/run` export `world`
/// already has (its glue runs the test binary's main); other packages'
/// tests get none of them.
pub fn test_world(resolve: &mut Resolve, world: WorldId, with_exports: bool) -> Result<WorldId> {
    if with_exports && exports_cli_run(resolve, world) {
        return Ok(world);
    }
    let cli = wit_parser::PackageName {
        namespace: "wasi".into(),
        name: "cli".into(),
        version: Some(semver::Version::new(0, 3, 0)),
    };
    push_embedded(resolve, &cli)?;
    let run = *resolve.packages[resolve.package_names[&cli]]
        .interfaces
        .get("run")
        .context("the built-in wasi:cli@0.3.0 has no `run` interface")?;
    let mut w = resolve.worlds[world].clone();
    let owner = w.package.context("the world belongs to no package")?;
    let mut name = "witgo-test".to_string();
    while resolve.packages[owner].worlds.contains_key(&name) {
        name.push('-');
    }
    w.name = name.clone();
    if !with_exports {
        w.exports.clear();
    }
    w.exports.insert(
        WorldKey::Interface(run),
        WorldItem::Interface {
            id: run,
            stability: Default::default(),
            external_id: None,
            docs: Default::default(),
            span: Default::default(),
        },
    );
    let id = resolve.worlds.alloc(w);
    resolve.packages[owner].worlds.insert(name, id);
    Ok(id)
}

/// Whether `world` exports `wasi:cli/run` (any version).
fn exports_cli_run(resolve: &Resolve, world: WorldId) -> bool {
    resolve.worlds[world].exports.keys().any(|key| match key {
        WorldKey::Interface(id) => {
            let iface = &resolve.interfaces[*id];
            iface.name.as_deref() == Some("run")
                && iface.package.is_some_and(|p| {
                    let n = &resolve.packages[p].name;
                    n.namespace == "wasi" && n.name == "cli"
                })
        }
        WorldKey::Name(_) => false,
    })
}

/// Adds built-in WASI package `name` to `resolve` (its dependencies first)
/// unless it is there already.
fn push_embedded(resolve: &mut Resolve, name: &wit_parser::PackageName) -> Result<()> {
    if resolve.package_names.contains_key(name) {
        return Ok(());
    }
    let group = embedded_wasi(name)?.with_context(|| format!("witgo has no built-in {name}"))?;
    let deps: Vec<wit_parser::PackageName> = std::iter::once(&group.main)
        .chain(group.nested.iter())
        .flat_map(|p| p.foreign_deps.keys().cloned())
        .collect();
    for dep in deps.iter().filter(|d| *d != name) {
        push_embedded(resolve, dep)?;
    }
    resolve
        .push_group(group)
        .map_err(|e| anyhow!("{}", e.render(&resolve.source_map)))?;
    Ok(())
}

/// Parses the user's package (a file, or a directory with optional `deps/`)
/// without resolving it yet. Parse errors come back rendered.
fn parse_user_wit(
    path: &Path,
) -> Result<(
    UnresolvedPackageGroup,
    Vec<UnresolvedPackageGroup>,
    Vec<PathBuf>,
)> {
    let mut sources = Vec::new();
    if path.is_file() {
        sources.push(path.to_path_buf());
        return Ok((parse_file(path)?, Vec::new(), sources));
    }
    let main = parse_dir(path, &mut sources)?;
    let mut deps = Vec::new();
    let deps_dir = path.join("deps");
    if deps_dir.is_dir() {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(&deps_dir)
            .with_context(|| format!("reading {}", deps_dir.display()))?
            .map(|e| e.map(|e| e.path()))
            .collect::<std::io::Result<_>>()?;
        entries.sort();
        for entry in entries {
            if entry.is_dir() {
                deps.push(parse_dir(&entry, &mut sources)?);
            } else if entry.extension().is_some_and(|e| e == "wit") {
                sources.push(entry.clone());
                deps.push(parse_file(&entry)?);
            }
        }
    }
    sources.sort();
    Ok((main, deps, sources))
}

fn parse_file(path: &Path) -> Result<UnresolvedPackageGroup> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    UnresolvedPackageGroup::parse(path, &text).map_err(|(map, e)| anyhow!("{}", e.render(&map)))
}

fn parse_dir(path: &Path, sources: &mut Vec<PathBuf>) -> Result<UnresolvedPackageGroup> {
    let mut map = SourceMap::default();
    map.push_dir(path)
        .with_context(|| format!("reading {}", path.display()))?;
    for entry in std::fs::read_dir(path)? {
        let p = entry?.path();
        if p.is_file() && p.extension().is_some_and(|e| e == "wit") {
            sources.push(p);
        }
    }
    map.parse()
        .map_err(|(map, e)| anyhow!("{}", e.render(&map)))
}

/// Resolves `worlds` in package `pkg` (names like `cli`, `%type`, or
/// `ns:pkg/world@1.0.0`). No names: the package's only world. Several names:
/// one new world (added to `pkg`) that unions them all.
pub fn select_world(resolve: &mut Resolve, pkg: PackageId, worlds: &[String]) -> Result<WorldId> {
    if worlds.is_empty() {
        return resolve
            .select_world(&[pkg], None)
            .map_err(|e| anyhow!("{e}; pass --world <name>"));
    }
    let mut ids = Vec::new();
    for name in worlds {
        // A world named like a WIT keyword (`world %type`) is `type`, and
        // may be asked for as such, not only as `%type`.
        let plain = resolve.packages[pkg].worlds.get(name.as_str()).copied();
        let id = match plain {
            Some(id) => id,
            None => resolve
                .select_world(&[pkg], Some(name))
                .map_err(|e| unknown_world(resolve, pkg, name, e))?,
        };
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    if ids.len() == 1 {
        return Ok(ids[0]);
    }
    merge(resolve, pkg, &ids)
}

fn merge(resolve: &mut Resolve, pkg: PackageId, ids: &[WorldId]) -> Result<WorldId> {
    let base = ids
        .iter()
        .map(|id| resolve.worlds[*id].name.clone())
        .collect::<Vec<_>>()
        .join("-");
    let mut name = base.clone();
    let mut n = 1;
    while resolve.packages[pkg].worlds.contains_key(&name) {
        n += 1;
        name = format!("{base}-{n}");
    }
    let merged = resolve.worlds.alloc(World {
        name: name.clone(),
        imports: Default::default(),
        exports: Default::default(),
        package: Some(pkg),
        docs: Default::default(),
        stability: Default::default(),
        includes: Default::default(),
        span: Default::default(),
    });
    resolve.packages[pkg].worlds.insert(name, merged);
    let mut maps = CloneMaps::default();
    for id in ids {
        let label = world_label(resolve, *id);
        resolve
            .merge_worlds(*id, merged, &mut maps)
            .with_context(|| format!("cannot merge world {label} with the others"))?;
    }
    Ok(merged)
}

fn world_label(resolve: &Resolve, id: WorldId) -> String {
    let w = &resolve.worlds[id];
    match w.package {
        Some(p) => resolve.id_of_name(p, &w.name),
        None => w.name.clone(),
    }
}

/// The package a world name refers to: `ns:name/...` names another package.
fn target_package(resolve: &Resolve, main: PackageId, name: &str) -> Option<PackageId> {
    let Some((pkg_part, _)) = name.split_once('/') else {
        return Some(main);
    };
    let (ns, rest) = pkg_part.split_once(':')?;
    let ns = ns.trim_start_matches('%');
    let pname = rest.split('@').next()?.trim_start_matches('%');
    let version = name.rsplit_once('@').map(|(_, v)| v);
    let mut found = None;
    for (pn, id) in &resolve.package_names {
        if pn.namespace == ns && pn.name == pname {
            match (version, &pn.version) {
                (Some(v), Some(pv)) if pv.to_string() != v => continue,
                _ => {}
            }
            found = Some(*id);
        }
    }
    found
}

fn unknown_world(
    resolve: &Resolve,
    main: PackageId,
    name: &str,
    err: anyhow::Error,
) -> anyhow::Error {
    let Some(pkg) = target_package(resolve, main, name) else {
        let mut known: Vec<String> = resolve
            .package_names
            .keys()
            .map(|p| p.to_string())
            .collect();
        known.sort();
        return anyhow!(
            "unknown world `{name}`: {err}; known packages: {}",
            known.join(", ")
        );
    };
    let p = &resolve.packages[pkg];
    let available: Vec<String> = p
        .worlds
        .keys()
        .map(|w| {
            if pkg == main {
                world_name_for_cli(w)
            } else {
                resolve.id_of_name(pkg, w)
            }
        })
        .collect();
    if available.is_empty() {
        anyhow!(
            "unknown world `{name}`: package `{}` defines no worlds",
            p.name
        )
    } else {
        anyhow!(
            "unknown world `{name}` in package `{}`; available worlds: {}",
            p.name,
            available.join(", ")
        )
    }
}

/// How a world name must be spelled on the command line (`%` before keywords).
fn world_name_for_cli(name: &str) -> String {
    const KEYWORDS: &[&str] = &[
        "use",
        "type",
        "func",
        "u8",
        "u16",
        "u32",
        "u64",
        "s8",
        "s16",
        "s32",
        "s64",
        "f32",
        "f64",
        "float32",
        "float64",
        "char",
        "resource",
        "own",
        "borrow",
        "record",
        "flags",
        "variant",
        "enum",
        "bool",
        "string",
        "option",
        "result",
        "future",
        "stream",
        "error-context",
        "list",
        "_",
        "as",
        "from",
        "static",
        "interface",
        "tuple",
        "import",
        "export",
        "world",
        "package",
        "constructor",
        "async",
        "include",
        "with",
    ];
    if KEYWORDS.contains(&name) {
        format!("%{name}")
    } else {
        name.to_string()
    }
}

/// Whether any function the world imports or exports is `async`.
pub fn world_has_async(resolve: &Resolve, world: WorldId) -> bool {
    let w = &resolve.worlds[world];
    w.imports
        .values()
        .chain(w.exports.values())
        .any(|item| match item {
            wit_parser::WorldItem::Function(f) => f.kind.is_async(),
            wit_parser::WorldItem::Interface { id, .. } => resolve.interfaces[*id]
                .functions
                .values()
                .any(|f| f.kind.is_async()),
            wit_parser::WorldItem::Type { .. } => false,
        })
}

/// The world as the component declares it. witgo's async executor waits on
/// the host's clock for sleeping goroutines (wasi:clocks/monotonic-clock@0.3.0
/// `wait-for`), so a world with async functions also imports that interface.
pub fn component_world(resolve: &Resolve, world: WorldId) -> Result<(Resolve, WorldId)> {
    let mut resolve = resolve.clone();
    if !world_has_async(&resolve, world) {
        return Ok((resolve, world));
    }
    let clocks = wit_parser::PackageName {
        namespace: "wasi".into(),
        name: "clocks".into(),
        version: Some(semver::Version::new(0, 3, 0)),
    };
    if !resolve.package_names.contains_key(&clocks) {
        let (label, text) = crate::wasi_wit::PACKAGES
            .iter()
            .find(|(label, _)| label.ends_with("wasi-0.3.0/clocks.wit"))
            .expect("embedded wasi:clocks@0.3.0");
        let group = UnresolvedPackageGroup::parse(label, text)
            .map_err(|(map, e)| anyhow!("{}", e.render(&map)))?;
        resolve
            .push_group(group)
            .map_err(|e| anyhow!("{}", e.render(&resolve.source_map)))?;
    }
    let runtime = "package witgo:async-runtime;\n\nworld runtime {\n  import wasi:clocks/monotonic-clock@0.3.0;\n}\n";
    let group = UnresolvedPackageGroup::parse("<witgo>/async-runtime.wit", runtime)
        .map_err(|(map, e)| anyhow!("{}", e.render(&map)))?;
    let pkg = resolve
        .push_group(group)
        .map_err(|e| anyhow!("{}", e.render(&resolve.source_map)))?;
    let runtime_world = resolve.packages[pkg].worlds["runtime"];
    resolve
        .merge_worlds(runtime_world, world, &mut CloneMaps::default())
        .context("cannot add wasi:clocks/monotonic-clock@0.3.0 (used by witgo's async executor) to the world")?;
    Ok((resolve, world))
}
