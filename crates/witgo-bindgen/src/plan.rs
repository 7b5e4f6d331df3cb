//! Which Go package each WIT interface and world lands in, and the Go names
//! of the types declared there.

use crate::names::{self, Namespace};
use std::collections::{BTreeMap, HashMap};
use wit_parser::{
    InterfaceId, Resolve, TypeDefKind, TypeId, TypeOwner, WorldId, WorldItem, WorldKey,
};

/// Which side of the component boundary a package's functions are on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Dir {
    Import,
    Export,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PkgKey {
    Interface(InterfaceId, Dir),
    World,
}

pub struct GoPkg {
    pub key: PkgKey,
    /// Directory relative to the bindings root, slash-separated.
    pub dir: String,
    /// Package clause name.
    pub name: String,
    /// Names declared at package level.
    pub ns: Namespace,
    /// The WIT key (for interfaces), used for core import/export names.
    pub world_key: Option<WorldKey>,
}

pub struct Plan {
    pub pkgs: Vec<GoPkg>,
    pub by_key: HashMap<PkgKey, usize>,
    /// Go name of every named type in the package that declares it.
    pub type_names: HashMap<(TypeId, usize), String>,
    /// Names derived from each named type (fields, constants, constructors).
    pub derived: HashMap<(TypeId, usize), Derived>,
    /// Go names of package-level (imported) functions: (package, WIT name).
    pub func_names: HashMap<(usize, String), String>,
}

impl Plan {
    pub fn new(resolve: &Resolve, world: WorldId) -> Plan {
        let w = &resolve.worlds[world];
        let mut ifaces: Vec<(InterfaceId, Dir, WorldKey)> = Vec::new();
        for (key, item) in w.imports.iter() {
            if let WorldItem::Interface { id, .. } = item {
                ifaces.push((*id, Dir::Import, key.clone()));
            }
        }
        for (key, item) in w.exports.iter() {
            if let WorldItem::Interface { id, .. } = item {
                ifaces.push((*id, Dir::Export, key.clone()));
            }
        }
        let imported: Vec<InterfaceId> = ifaces
            .iter()
            .filter(|(_, d, _)| *d == Dir::Import)
            .map(|(i, _, _)| *i)
            .collect();

        // Versions appear in paths only where one package name has several versions.
        let mut versions: BTreeMap<(String, String), Vec<String>> = BTreeMap::new();
        for (id, _, _) in &ifaces {
            if let Some(pkg) = resolve.interfaces[*id].package {
                let n = &resolve.packages[pkg].name;
                let v = n
                    .version
                    .as_ref()
                    .map(|v| v.to_string())
                    .unwrap_or_default();
                let e = versions
                    .entry((n.namespace.clone(), n.name.clone()))
                    .or_default();
                if !e.contains(&v) {
                    e.push(v);
                }
            }
        }

        let mut pkgs = Vec::new();
        let mut by_key = HashMap::new();
        let mut used_dirs: HashMap<String, usize> = HashMap::new();
        let mut push = |pkgs: &mut Vec<GoPkg>,
                        key: PkgKey,
                        dir: String,
                        name: String,
                        wk: Option<WorldKey>| {
            let mut dir = dir;
            while used_dirs.contains_key(&dir) {
                dir.push('_');
            }
            used_dirs.insert(dir.clone(), pkgs.len());
            by_key.insert(key, pkgs.len());
            let mut ns = Namespace::default();
            for reserved in ["Exports", "Export"] {
                if matches!(key, PkgKey::Interface(_, Dir::Export) | PkgKey::World) {
                    ns.reserve(reserved);
                }
            }
            pkgs.push(GoPkg {
                key,
                dir,
                name,
                ns,
                world_key: wk,
            });
        };

        for (id, dir, key) in &ifaces {
            let iface = &resolve.interfaces[*id];
            let leaf = match (key, &iface.name) {
                (WorldKey::Name(n), _) => n.clone(),
                (_, Some(n)) => n.clone(),
                _ => "interface".to_string(),
            };
            let mut path = String::new();
            if let (WorldKey::Interface(_), Some(pkg)) = (key, iface.package) {
                let n = &resolve.packages[pkg].name;
                path.push_str(&format!(
                    "{}/{}/",
                    path_elem(&n.namespace),
                    path_elem(&n.name)
                ));
                if versions[&(n.namespace.clone(), n.name.clone())].len() > 1 {
                    let v = n
                        .version
                        .as_ref()
                        .map(|v| v.to_string())
                        .unwrap_or_else(|| "unversioned".into());
                    path.push_str(&format!("v{}/", v.replace(['.', '+', '-'], "_")));
                }
            } else if let Some(pkg) = w.package {
                // An interface named inline in the world (`import x: interface { .. }`).
                let n = &resolve.packages[pkg].name;
                path.push_str(&format!(
                    "{}/{}/{}/",
                    path_elem(&n.namespace),
                    path_elem(&n.name),
                    path_elem(&w.name)
                ));
            }
            path.push_str(&path_elem(&leaf));
            if *dir == Dir::Export && imported.contains(id) {
                path = format!("export/{path}");
            }
            push(
                &mut pkgs,
                PkgKey::Interface(*id, *dir),
                path,
                names::package(&leaf),
                Some(key.clone()),
            );
        }
        let world_dir = match w.package {
            Some(pkg) => {
                let n = &resolve.packages[pkg].name;
                format!(
                    "{}/{}/{}",
                    path_elem(&n.namespace),
                    path_elem(&n.name),
                    path_elem(&w.name)
                )
            }
            None => path_elem(&w.name),
        };
        push(
            &mut pkgs,
            PkgKey::World,
            world_dir,
            names::package(&w.name),
            None,
        );

        let mut plan = Plan {
            pkgs,
            by_key,
            type_names: HashMap::new(),
            derived: HashMap::new(),
            func_names: HashMap::new(),
        };
        plan.name_types(resolve, world);
        plan.name_members(resolve, world);
        plan
    }

    fn name_types(&mut self, resolve: &Resolve, world: WorldId) {
        for idx in 0..self.pkgs.len() {
            let types: Vec<(String, TypeId)> = match self.pkgs[idx].key {
                PkgKey::Interface(id, _) => resolve.interfaces[id]
                    .types
                    .iter()
                    .map(|(n, t)| (n.clone(), *t))
                    .collect(),
                PkgKey::World => resolve.worlds[world]
                    .imports
                    .iter()
                    .filter_map(|(k, item)| match (k, item) {
                        (WorldKey::Name(n), WorldItem::Type { id, .. }) => Some((n.clone(), *id)),
                        _ => None,
                    })
                    .collect(),
            };
            for (name, id) in types {
                let go = self.pkgs[idx].ns.claim(&names::exported(&name));
                self.type_names.insert((id, idx), go);
            }
        }
    }

    /// The package that declares named type `id`, seen from code in package `from`.
    pub fn type_pkg(&self, resolve: &Resolve, id: TypeId, from: usize) -> Option<usize> {
        match resolve.types[id].owner {
            TypeOwner::Interface(iface) => {
                if let PkgKey::Interface(cur, _) = self.pkgs[from].key
                    && cur == iface
                {
                    return Some(from);
                }
                self.by_key
                    .get(&PkgKey::Interface(iface, Dir::Import))
                    .or_else(|| self.by_key.get(&PkgKey::Interface(iface, Dir::Export)))
                    .copied()
            }
            TypeOwner::World(_) => self.by_key.get(&PkgKey::World).copied(),
            TypeOwner::None => None,
        }
    }

    pub fn world_pkg(&self) -> usize {
        self.by_key[&PkgKey::World]
    }
}

/// A directory name for a WIT name; WIT names are already safe path elements
/// except for a leading `%`, which wit-parser strips.
fn path_elem(name: &str) -> String {
    name.to_string()
}

/// Follows `type a = b` aliases to the type that defines the value.
pub fn dealias(resolve: &Resolve, mut id: TypeId) -> TypeId {
    loop {
        match &resolve.types[id].kind {
            TypeDefKind::Type(wit_parser::Type::Id(next)) => id = *next,
            _ => return id,
        }
    }
}

/// Go names derived from one named type in the package that declares it.
#[derive(Clone, Debug)]
pub enum Derived {
    Record {
        fields: Vec<String>,
    },
    Enum {
        consts: Vec<String>,
    },
    Flags {
        consts: Vec<String>,
    },
    Variant {
        tag_type: String,
        tags: Vec<String>,
        ctors: Vec<String>,
        accessors: Vec<String>,
    },
    Resource {
        helpers: BTreeMap<&'static str, String>,
        methods: HashMap<String, String>,
    },
    Other,
}

/// Helper functions every resource package provides to generated code in
/// other packages (imported resources: FromHandle/FromBorrow, exported so
/// that programs may wrap raw handles too; exported resources:
/// NewHandle/TakeHandle/FromRep, unexported because only glue calls them,
/// from other packages through `//go:linkname`, see
/// `GoFileBuilder::linkname`).
pub const IMPORTED_RESOURCE_HELPERS: &[&str] = &["FromHandle", "FromBorrow"];
pub const EXPORTED_RESOURCE_HELPERS: &[&str] = &["NewHandle", "TakeHandle", "FromRep"];

impl Plan {
    /// Names package-level functions, then the names derived from each type.
    pub fn name_members(&mut self, resolve: &Resolve, world: WorldId) {
        for idx in 0..self.pkgs.len() {
            let key = self.pkgs[idx].key;
            let is_export = matches!(key, PkgKey::Interface(_, Dir::Export));
            // Package-level functions: imported functions live at package level.
            let funcs: Vec<wit_parser::Function> = match key {
                PkgKey::Interface(id, Dir::Import) => {
                    resolve.interfaces[id].functions.values().cloned().collect()
                }
                PkgKey::Interface(_, Dir::Export) => Vec::new(),
                PkgKey::World => resolve.worlds[world]
                    .imports
                    .values()
                    .filter_map(|item| match item {
                        WorldItem::Function(f) => Some(f.clone()),
                        _ => None,
                    })
                    .collect(),
            };
            for f in funcs.iter().filter(|f| {
                !matches!(
                    f.kind,
                    wit_parser::FunctionKind::Method(_) | wit_parser::FunctionKind::AsyncMethod(_)
                )
            }) {
                let go = self.import_func_name(resolve, idx, f);
                let go = self.pkgs[idx].ns.claim(&go);
                self.func_names.insert((idx, f.name.clone()), go);
            }
            let types: Vec<(TypeId, String)> = self
                .type_names
                .iter()
                .filter(|((_, p), _)| *p == idx)
                .map(|((t, _), n)| (*t, n.clone()))
                .collect();
            let mut types = types;
            types.sort_by_key(|(t, _)| t.index());
            for (id, tname) in types {
                let derived = self.derive(resolve, idx, id, &tname, is_export);
                self.derived.insert((id, idx), derived);
            }
        }
    }

    fn import_func_name(&self, resolve: &Resolve, idx: usize, f: &wit_parser::Function) -> String {
        use wit_parser::FunctionKind as K;
        match &f.kind {
            K::Freestanding | K::AsyncFreestanding => names::exported(&f.name),
            K::Constructor(r) => format!("New{}", self.resource_name(resolve, idx, *r)),
            K::Static(r) | K::AsyncStatic(r) => {
                format!(
                    "{}{}",
                    self.resource_name(resolve, idx, *r),
                    names::exported(f.item_name())
                )
            }
            K::Method(r) | K::AsyncMethod(r) => {
                format!(
                    "{}.{}",
                    self.resource_name(resolve, idx, *r),
                    names::method(f.item_name())
                )
            }
        }
    }

    pub fn resource_name(&self, _resolve: &Resolve, idx: usize, r: TypeId) -> String {
        self.type_names
            .get(&(r, idx))
            .cloned()
            .unwrap_or_else(|| "Resource".into())
    }

    fn derive(
        &mut self,
        resolve: &Resolve,
        idx: usize,
        id: TypeId,
        tname: &str,
        is_export: bool,
    ) -> Derived {
        let def = &resolve.types[id];
        let ns = &mut self.pkgs[idx].ns;
        match &def.kind {
            TypeDefKind::Record(r) => {
                let mut fields_ns = Namespace::default();
                Derived::Record {
                    fields: r
                        .fields
                        .iter()
                        .map(|f| fields_ns.claim(&names::exported(&f.name)))
                        .collect(),
                }
            }
            TypeDefKind::Enum(e) => Derived::Enum {
                consts: e
                    .cases
                    .iter()
                    .map(|c| ns.claim(&format!("{tname}{}", names::exported(&c.name))))
                    .collect(),
            },
            TypeDefKind::Flags(f) => Derived::Flags {
                consts: f
                    .flags
                    .iter()
                    .map(|c| ns.claim(&format!("{tname}{}", names::exported(&c.name))))
                    .collect(),
            },
            TypeDefKind::Variant(v) => {
                let tag_type = ns.claim(&format!("{tname}Tag"));
                let tags = v
                    .cases
                    .iter()
                    .map(|c| ns.claim(&format!("{tname}Tag{}", names::exported(&c.name))))
                    .collect();
                let ctors = v
                    .cases
                    .iter()
                    .map(|c| ns.claim(&format!("{tname}{}", names::exported(&c.name))))
                    .collect();
                let mut methods = Namespace::default();
                for reserved in ["Tag", "String", "Error"] {
                    methods.reserve(reserved);
                }
                let accessors = v
                    .cases
                    .iter()
                    .map(|c| methods.claim(&names::method(&c.name)))
                    .collect();
                Derived::Variant {
                    tag_type,
                    tags,
                    ctors,
                    accessors,
                }
            }
            TypeDefKind::Resource => {
                let list = if is_export {
                    EXPORTED_RESOURCE_HELPERS
                } else {
                    IMPORTED_RESOURCE_HELPERS
                };
                let helpers = list
                    .iter()
                    .map(|h| {
                        let name = match *h {
                            "NewHandle" => format!("new{tname}Handle"),
                            "TakeHandle" => format!("take{tname}Handle"),
                            "FromRep" => format!("borrowed{tname}"),
                            _ => format!("{tname}{h}"),
                        };
                        (*h, ns.claim(&name))
                    })
                    .collect();
                let mut methods_ns = Namespace::default();
                if !is_export {
                    for reserved in ["Close", "Handle", "TakeHandle"] {
                        methods_ns.reserve(reserved);
                    }
                }
                let mut methods = HashMap::new();
                // A resource's methods live where it is defined: in its
                // interface, or among the world's functions for a resource
                // a world defines itself.
                let funcs: Vec<&wit_parser::Function> = match def.owner {
                    TypeOwner::Interface(i) => resolve.interfaces[i].functions.values().collect(),
                    TypeOwner::World(w) => {
                        let world = &resolve.worlds[w];
                        world
                            .imports
                            .values()
                            .chain(world.exports.values())
                            .filter_map(|item| match item {
                                wit_parser::WorldItem::Function(f) => Some(f),
                                _ => None,
                            })
                            .collect()
                    }
                    TypeOwner::None => Vec::new(),
                };
                for f in funcs {
                    if let wit_parser::FunctionKind::Method(r)
                    | wit_parser::FunctionKind::AsyncMethod(r) = f.kind
                        && r == id
                    {
                        methods.insert(
                            f.name.clone(),
                            methods_ns.claim(&names::method(f.item_name())),
                        );
                    }
                }
                Derived::Resource { helpers, methods }
            }
            _ => Derived::Other,
        }
    }
}
