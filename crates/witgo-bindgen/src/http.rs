//! net/http for worlds that use wasi:http 0.3: `witgo/wasihttp` (from
//! `go/_wasihttp`) serves a world's handler export with the program's
//! `http.Handler`, so the program writes no implementation of its own, and
//! makes the world's client import the transport of `http.DefaultClient`.

use crate::plan::{Dir, PkgKey, Plan};
use wit_parser::{InterfaceId, Resolve, WorldId, WorldItem};

/// What a world uses of wasi:http 0.3: its handler export, its client
/// import, and the types interface both use.
pub struct HttpWorld {
    pub types: InterfaceId,
    pub handler: Option<InterfaceId>,
    pub client: Option<InterfaceId>,
}

impl HttpWorld {
    pub fn find(resolve: &Resolve, world: WorldId) -> Option<HttpWorld> {
        let w = &resolve.worlds[world];
        let handler = find_wasi_http(resolve, w.exports.values(), "handler");
        let client = find_wasi_http(resolve, w.imports.values(), "client");
        let any = handler.or(client)?;
        let pkg = resolve.interfaces[any].package?;
        let types = resolve.packages[pkg].interfaces.get("types").copied()?;
        Some(HttpWorld {
            types,
            handler,
            client,
        })
    }

    /// The files of `go/_wasihttp` this world needs.
    pub fn wants(&self, file: &str) -> bool {
        match file {
            "serve_p3.go" | "main_link.go" => self.handler.is_some(),
            "client_p3.go" => self.client.is_some(),
            _ => true,
        }
    }

    /// The adapter's imports of the bindings (as written in
    /// `go/_wasihttp`) and the packages they are in `plan`'s output.
    pub fn bindings(&self, plan: &Plan, import_path: &str) -> Vec<(&'static str, String)> {
        let dir = |key| format!("{import_path}/{}", plan.pkgs[plan.by_key[&key]].dir);
        let mut out = vec![(
            "witgo/bindings/wasi/http/types",
            dir(PkgKey::Interface(self.types, Dir::Import)),
        )];
        if let Some(h) = self.handler {
            out.push((
                "witgo/bindings/wasi/http/handler",
                dir(PkgKey::Interface(h, Dir::Export)),
            ));
        }
        if let Some(c) = self.client {
            out.push((
                "witgo/bindings/wasi/http/client",
                dir(PkgKey::Interface(c, Dir::Import)),
            ));
        }
        out
    }
}

/// The wasi:http 0.3 interface named `interface` among `items`.
fn find_wasi_http<'a>(
    resolve: &Resolve,
    items: impl IntoIterator<Item = &'a WorldItem>,
    interface: &str,
) -> Option<InterfaceId> {
    items.into_iter().find_map(|item| match item {
        WorldItem::Interface { id, .. } if is_wasi_http(resolve, *id, interface) => Some(*id),
        _ => None,
    })
}

/// Whether interface `id` is wasi:http's `interface` of WASI 0.3.
fn is_wasi_http(resolve: &Resolve, id: InterfaceId, interface: &str) -> bool {
    let iface = &resolve.interfaces[id];
    let Some(pkg) = iface.package else {
        return false;
    };
    let name = &resolve.packages[pkg].name;
    name.namespace == "wasi"
        && name.name == "http"
        && name
            .version
            .as_ref()
            .is_some_and(|v| v.major == 0 && v.minor == 3)
        && iface.name.as_deref() == Some(interface)
}
