//! Go spellings of WIT types, as seen from one generated file.

use crate::gofile::GoFileBuilder;
use crate::plan::{Dir, PkgKey, Plan, dealias};
use wit_parser::{Handle, Resolve, Type, TypeDefKind, TypeId, TypeOwner};

/// Everything needed to spell a type in one file.
pub struct TypeCx<'a> {
    pub resolve: &'a Resolve,
    pub plan: &'a Plan,
    pub import_path: &'a str,
    /// The package whose file is being written; `None` for the user's exports package.
    pub pkg: Option<usize>,
    /// The package whose point of view resolves type ownership (for the user's
    /// package: the export package being implemented).
    pub from: usize,
}

impl TypeCx<'_> {
    /// Qualifier for package `idx` in `file`, or "" if it is the current package.
    pub fn qual(&self, file: &mut GoFileBuilder, idx: usize) -> String {
        if Some(idx) == self.pkg {
            return String::new();
        }
        let p = &self.plan.pkgs[idx];
        let alias = file.import(&format!("{}/{}", self.import_path, p.dir), &p.name);
        format!("{alias}.")
    }

    pub fn wit_pkg(&self, file: &mut GoFileBuilder) -> String {
        file.import(&format!("{}/witgo/wit", self.import_path), "wit")
    }

    /// The user-facing package of stream and future ends (witgo/async).
    pub fn async_pkg(&self, file: &mut GoFileBuilder) -> String {
        file.import(&format!("{}/witgo/async", self.import_path), "async")
    }

    /// The executor the glue calls (internal to the bindings).
    pub fn exec_pkg(&self, file: &mut GoFileBuilder) -> String {
        file.import(&format!("{}/internal/exec", self.import_path), "exec")
    }

    pub fn abi_pkg(&self, file: &mut GoFileBuilder) -> String {
        file.import(&format!("{}/witgo/abi", self.import_path), "abi")
    }

    /// The package that code in the current package should use for named type `id`.
    pub fn pkg_of(&self, id: TypeId) -> Option<usize> {
        self.plan.type_pkg(self.resolve, id, self.from)
    }

    /// Qualified Go name of named type `id`.
    pub fn named(&self, file: &mut GoFileBuilder, id: TypeId) -> String {
        let pkg = self.pkg_of(id).expect("named type has an owner");
        let name = &self.plan.type_names[&(id, pkg)];
        format!("{}{}", self.qual(file, pkg), name)
    }

    /// Is resource `id` implemented by this component (an exported resource)?
    pub fn resource_is_exported(&self, id: TypeId) -> bool {
        let id = dealias(self.resolve, id);
        matches!(
            self.pkg_of(id).map(|p| self.plan.pkgs[p].key),
            Some(PkgKey::Interface(_, Dir::Export))
        )
    }

    /// The Go type for `ty`.
    pub fn ty(&self, file: &mut GoFileBuilder, ty: &Type) -> String {
        match ty {
            Type::Bool => "bool".into(),
            Type::U8 => "uint8".into(),
            Type::U16 => "uint16".into(),
            Type::U32 => "uint32".into(),
            Type::U64 => "uint64".into(),
            Type::S8 => "int8".into(),
            Type::S16 => "int16".into(),
            Type::S32 => "int32".into(),
            Type::S64 => "int64".into(),
            Type::F32 => "float32".into(),
            Type::F64 => "float64".into(),
            Type::Char => "rune".into(),
            Type::String => "string".into(),
            Type::ErrorContext => format!("{}.ErrorContext", self.wit_pkg(file)),
            Type::Id(id) => self.type_id(file, *id),
        }
    }

    pub fn opt_ty(&self, file: &mut GoFileBuilder, ty: Option<&Type>) -> String {
        match ty {
            Some(t) => self.ty(file, t),
            None => "struct{}".into(),
        }
    }

    pub fn type_id(&self, file: &mut GoFileBuilder, id: TypeId) -> String {
        let def = &self.resolve.types[id];
        if def.name.is_some() && !matches!(def.owner, TypeOwner::None) {
            if let TypeDefKind::Resource = def.kind {
                return self.resource_ref(file, id);
            }
            return self.named(file, id);
        }
        self.anonymous(file, &def.kind)
    }

    /// How a value of resource `id` is held in Go: a pointer to the handle
    /// wrapper for imported resources, the Go interface for exported ones.
    pub fn resource_ref(&self, file: &mut GoFileBuilder, id: TypeId) -> String {
        let name = self.named(file, id);
        if self.resource_is_exported(id) {
            name
        } else {
            format!("*{name}")
        }
    }

    pub fn anonymous(&self, file: &mut GoFileBuilder, kind: &TypeDefKind) -> String {
        match kind {
            TypeDefKind::Type(t) => self.ty(file, t),
            TypeDefKind::List(t) => format!("[]{}", self.ty(file, t)),
            TypeDefKind::FixedLengthList(t, n) => format!("[{n}]{}", self.ty(file, t)),
            TypeDefKind::Map(k, v) => format!("map[{}]{}", self.ty(file, k), self.ty(file, v)),
            TypeDefKind::Option(t) => {
                format!("{}.Option[{}]", self.wit_pkg(file), self.ty(file, t))
            }
            TypeDefKind::Result(r) => {
                let ok = self.opt_ty(file, r.ok.as_ref());
                let err = self.opt_ty(file, r.err.as_ref());
                format!("{}.Result[{ok}, {err}]", self.wit_pkg(file))
            }
            TypeDefKind::Tuple(t) => self.tuple(file, &t.types),
            TypeDefKind::Handle(Handle::Own(r) | Handle::Borrow(r)) => {
                // Spelled by the name the handle's WIT uses (a world's
                // `use` declares an alias in its package) when Go has one.
                let declared = self
                    .pkg_of(*r)
                    .is_some_and(|p| self.plan.type_names.contains_key(&(*r, p)));
                self.resource_ref(
                    file,
                    if declared {
                        *r
                    } else {
                        dealias(self.resolve, *r)
                    },
                )
            }
            TypeDefKind::Future(t) => format!(
                "*{}.FutureReader[{}]",
                self.async_pkg(file),
                self.opt_ty(file, t.as_ref())
            ),
            TypeDefKind::Stream(t) => format!(
                "*{}.StreamReader[{}]",
                self.async_pkg(file),
                self.opt_ty(file, t.as_ref())
            ),
            TypeDefKind::Record(_)
            | TypeDefKind::Variant(_)
            | TypeDefKind::Enum(_)
            | TypeDefKind::Flags(_)
            | TypeDefKind::Resource
            | TypeDefKind::Unknown => unreachable!("anonymous {kind:?}"),
        }
    }

    pub fn tuple(&self, file: &mut GoFileBuilder, types: &[Type]) -> String {
        match types.len() {
            0 => "struct{}".into(),
            1..=16 => {
                let args: Vec<String> = types.iter().map(|t| self.ty(file, t)).collect();
                format!(
                    "{}.Tuple{}[{}]",
                    self.wit_pkg(file),
                    types.len(),
                    args.join(", ")
                )
            }
            _ => {
                let fields: Vec<String> = types
                    .iter()
                    .enumerate()
                    .map(|(i, t)| format!("F{i} {}", self.ty(file, t)))
                    .collect();
                format!("struct{{ {} }}", fields.join("; "))
            }
        }
    }
}

impl TypeCx<'_> {
    fn derived(&self, id: TypeId) -> (usize, &crate::plan::Derived) {
        let pkg = self.pkg_of(id).expect("named type has an owner");
        (pkg, &self.plan.derived[&(id, pkg)])
    }

    /// Go field names of record `id`.
    pub fn field_names(&self, id: TypeId, _record: &wit_parser::Record) -> Vec<String> {
        match self.derived(id).1 {
            crate::plan::Derived::Record { fields } => fields.clone(),
            other => unreachable!("record names: {other:?}"),
        }
    }

    /// Qualified tag constants and accessor method names of variant `id`.
    pub fn variant_names(
        &self,
        file: &mut GoFileBuilder,
        id: TypeId,
        _v: &wit_parser::Variant,
    ) -> (Vec<String>, Vec<String>) {
        let (pkg, d) = self.derived(id);
        match d.clone() {
            crate::plan::Derived::Variant {
                tags, accessors, ..
            } => {
                let q = self.qual(file, pkg);
                (tags.iter().map(|t| format!("{q}{t}")).collect(), accessors)
            }
            other => unreachable!("variant names: {other:?}"),
        }
    }

    /// Qualified constructor functions of variant `id`.
    pub fn variant_ctors(
        &self,
        file: &mut GoFileBuilder,
        id: TypeId,
        _v: &wit_parser::Variant,
    ) -> Vec<String> {
        let (pkg, d) = self.derived(id);
        match d.clone() {
            crate::plan::Derived::Variant { ctors, .. } => {
                let q = self.qual(file, pkg);
                ctors.iter().map(|t| format!("{q}{t}")).collect()
            }
            other => unreachable!("variant ctors: {other:?}"),
        }
    }

    /// Qualified helper function `kind` (see plan::*_RESOURCE_HELPERS) of resource `id`.
    pub fn resource_helper(&self, file: &mut GoFileBuilder, id: TypeId, kind: &str) -> String {
        let (pkg, d) = self.derived(id);
        match d.clone() {
            crate::plan::Derived::Resource { helpers, .. } => {
                let name = &helpers[kind];
                let q = self.qual(file, pkg);
                if q.is_empty() || !self.resource_is_exported(id) {
                    return format!("{q}{name}");
                }
                // An exported resource's helpers are unexported.
                let ty = self.named(file, id);
                let sig = if kind == "NewHandle" {
                    format!("(v {ty}) int32")
                } else {
                    format!("(h int32) {ty}")
                };
                let local = format!("{}_{name}", q.trim_end_matches('.'));
                let symbol = format!("{}/{}.{name}", self.import_path, self.plan.pkgs[pkg].dir);
                file.linkname(&local, &symbol, &sig);
                local
            }
            other => unreachable!("resource helpers: {other:?}"),
        }
    }
}
