//! net/http for worlds that serve wasi:http: such a world's handler export
//! is implemented by `witgo/wasihttp` (from `go/_wasihttp`), which serves
//! with the program's `http.Handler`, so the program writes no
//! implementation of its own.

use crate::plan::{Dir, PkgKey, Plan};
use wit_parser::{InterfaceId, Resolve, WorldId, WorldItem};

/// A world's wasi:http/handler@0.3 export, and the types interface its
/// functions use.
pub struct HttpService {
    pub handler: InterfaceId,
    pub types: InterfaceId,
}

impl HttpService {
    pub fn find(resolve: &Resolve, world: WorldId) -> Option<HttpService> {
        let handler = resolve.worlds[world]
            .exports
            .values()
            .find_map(|item| match item {
                WorldItem::Interface { id, .. } if is_http_handler(resolve, *id) => Some(*id),
                _ => None,
            })?;
        let pkg = resolve.interfaces[handler].package?;
        let types = resolve.packages[pkg].interfaces.get("types").copied()?;
        Some(HttpService { handler, types })
    }

    /// The vendored adapter's imports of the bindings (as written in
    /// `go/_wasihttp`) and the packages they are in `plan`'s output.
    pub fn bindings(&self, plan: &Plan, import_path: &str) -> Vec<(&'static str, String)> {
        let dir = |key| format!("{import_path}/{}", plan.pkgs[plan.by_key[&key]].dir);
        vec![
            (
                "witgo/bindings/wasi/http/types",
                dir(PkgKey::Interface(self.types, Dir::Import)),
            ),
            (
                "witgo/bindings/wasi/http/handler",
                dir(PkgKey::Interface(self.handler, Dir::Export)),
            ),
        ]
    }
}

/// Whether interface `id` is wasi:http/handler of WASI 0.3.
pub fn is_http_handler(resolve: &Resolve, id: InterfaceId) -> bool {
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
        && iface.name.as_deref() == Some("handler")
}
