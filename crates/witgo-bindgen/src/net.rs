//! Go networking for worlds that import wasi:sockets 0.3: `witgo/wasinet`
//! (from `go/_wasinet`) gives `Dial`, `Listen`, `ListenPacket` and a
//! `Resolver` with net's types over the world's sockets imports.

use crate::http::find_wasi;
use crate::plan::{Dir, PkgKey, Plan};
use wit_parser::{InterfaceId, Resolve, WorldId};

/// The world's wasi:sockets 0.3 imports wasinet is written against.
pub struct NetWorld {
    types: InterfaceId,
    ip_name_lookup: InterfaceId,
}

impl NetWorld {
    /// The world's wasi:sockets/types and ip-name-lookup at 0.3, if it
    /// imports both.
    pub fn find(resolve: &Resolve, world: WorldId) -> Option<NetWorld> {
        let imports = resolve.worlds[world].imports.values();
        let types = find_wasi(resolve, imports.clone(), "sockets", "types", 3)?;
        let ip_name_lookup = find_wasi(resolve, imports, "sockets", "ip-name-lookup", 3)?;
        Some(NetWorld {
            types,
            ip_name_lookup,
        })
    }

    /// wasinet's imports of the bindings (as written in `go/_wasinet`) and
    /// the packages they are in `plan`'s output.
    pub fn bindings(&self, plan: &Plan, import_path: &str) -> Vec<(&'static str, String)> {
        let dir = |id| {
            let key = PkgKey::Interface(id, Dir::Import);
            format!("{import_path}/{}", plan.pkgs[plan.by_key[&key]].dir)
        };
        vec![
            ("witgo/bindings/wasi/sockets/types", dir(self.types)),
            (
                "witgo/bindings/wasi/sockets/ip-name-lookup",
                dir(self.ip_name_lookup),
            ),
        ]
    }
}
