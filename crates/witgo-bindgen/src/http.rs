//! net/http for worlds that use wasi:http 0.3 or 0.2: `witgo/wasihttp`
//! (from `go/_wasihttp`) serves a world's handler export with the
//! program's `http.Handler`, so the program writes no implementation of its
//! own, and makes the world's client import the transport of
//! `http.DefaultClient`.

use crate::plan::{Dir, PkgKey, Plan};
use wit_parser::{InterfaceId, Resolve, WorldId, WorldItem};

/// What a world uses of wasi:http: its handler export, its client import,
/// and the interfaces the adapter's files import.
pub struct HttpWorld {
    /// WASI 0.2 (`incoming-handler`, `outgoing-handler`, wasi:io streams
    /// and pollables) rather than 0.3.
    pub p2: bool,
    pub handler: Option<InterfaceId>,
    pub client: Option<InterfaceId>,
    /// The other imports the adapter uses: its Go import path (as written in
    /// `go/_wasihttp`) and the interface.
    imports: Vec<(&'static str, InterfaceId)>,
}

/// The interfaces the 0.2 adapter imports besides wasi:http's own: it
/// waits on pollables, with a clock for its time slices.
const P2_IMPORTS: [(&str, &str, &str); 3] = [
    ("witgo/bindings/wasi/io/poll", "io", "poll"),
    ("witgo/bindings/wasi/io/streams", "io", "streams"),
    (
        "witgo/bindings/wasi/clocks/monotonic-clock",
        "clocks",
        "monotonic-clock",
    ),
];

impl HttpWorld {
    /// The world's use of wasi:http 0.3, else of 0.2; `None` if it uses
    /// neither (or, for 0.2, lacks an interface the adapter needs).
    pub fn find(resolve: &Resolve, world: WorldId) -> Option<HttpWorld> {
        Self::find_version(resolve, world, 3).or_else(|| Self::find_version(resolve, world, 2))
    }

    fn find_version(resolve: &Resolve, world: WorldId, minor: u64) -> Option<HttpWorld> {
        let w = &resolve.worlds[world];
        let p2 = minor == 2;
        let (handler_name, client_name) = if p2 {
            ("incoming-handler", "outgoing-handler")
        } else {
            ("handler", "client")
        };
        let handler = find_wasi(resolve, w.exports.values(), "http", handler_name, minor);
        let client = find_wasi(resolve, w.imports.values(), "http", client_name, minor);
        let any = handler.or(client)?;
        let pkg = resolve.interfaces[any].package?;
        let types = resolve.packages[pkg].interfaces.get("types").copied()?;
        let mut imports = vec![("witgo/bindings/wasi/http/types", types)];
        if p2 {
            for (path, package, interface) in P2_IMPORTS {
                let id = find_wasi(resolve, w.imports.values(), package, interface, 2)?;
                imports.push((path, id));
            }
        }
        Some(HttpWorld {
            p2,
            handler,
            client,
            imports,
        })
    }

    /// Whether the world needs `file` of `go/_wasihttp`: files named
    /// `*_p2.go` or `*_p3.go` are for that version only; `serve_*`, and the
    /// serving side's `handle.go`, `request.go`, `response.go` and
    /// `main_link.go`, for a handler export; `client_*` for a client import.
    pub fn wants(&self, file: &str) -> bool {
        let version = if file.ends_with("_p2.go") {
            self.p2
        } else if file.ends_with("_p3.go") {
            !self.p2
        } else {
            true
        };
        let serving = file.starts_with("serve_")
            || matches!(
                file,
                "handle.go" | "request.go" | "response.go" | "main_link.go"
            );
        let role = if serving {
            self.handler.is_some()
        } else if file.starts_with("client_") {
            self.client.is_some()
        } else {
            true
        };
        version && role
    }

    /// The adapter's imports of the bindings (as written in
    /// `go/_wasihttp`) and the packages they are in `plan`'s output.
    pub fn bindings(&self, plan: &Plan, import_path: &str) -> Vec<(&'static str, String)> {
        let dir = |key| format!("{import_path}/{}", plan.pkgs[plan.by_key[&key]].dir);
        let mut out: Vec<(&'static str, String)> = self
            .imports
            .iter()
            .map(|(path, id)| (*path, dir(PkgKey::Interface(*id, Dir::Import))))
            .collect();
        let (handler_path, client_path) = if self.p2 {
            (
                "witgo/bindings/wasi/http/incoming-handler",
                "witgo/bindings/wasi/http/outgoing-handler",
            )
        } else {
            (
                "witgo/bindings/wasi/http/handler",
                "witgo/bindings/wasi/http/client",
            )
        };
        if let Some(h) = self.handler {
            out.push((handler_path, dir(PkgKey::Interface(h, Dir::Export))));
        }
        if let Some(c) = self.client {
            out.push((client_path, dir(PkgKey::Interface(c, Dir::Import))));
        }
        out
    }
}

/// The interface `wasi:<package>/<interface>@0.<minor>.x` among `items`.
pub(crate) fn find_wasi<'a>(
    resolve: &Resolve,
    items: impl IntoIterator<Item = &'a WorldItem>,
    package: &str,
    interface: &str,
    minor: u64,
) -> Option<InterfaceId> {
    items.into_iter().find_map(|item| match item {
        WorldItem::Interface { id, .. } if is_wasi(resolve, *id, package, interface, minor) => {
            Some(*id)
        }
        _ => None,
    })
}

/// Whether interface `id` is `wasi:<package>/<interface>@0.<minor>.x`.
fn is_wasi(resolve: &Resolve, id: InterfaceId, package: &str, interface: &str, minor: u64) -> bool {
    let iface = &resolve.interfaces[id];
    let Some(pkg) = iface.package else {
        return false;
    };
    let name = &resolve.packages[pkg].name;
    name.namespace == "wasi"
        && name.name == package
        && name
            .version
            .as_ref()
            .is_some_and(|v| v.major == 0 && v.minor == minor)
        && iface.name.as_deref() == Some(interface)
}
