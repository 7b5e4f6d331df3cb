//! Finding exported functions by the names a person types.

use std::fmt::Write as _;

use anyhow::{Result, bail};
use wasmtime::Engine;
use wasmtime::component::types::{ComponentFunc, ComponentItem};
use wasmtime::component::{Component, ComponentExportIndex, Type};

/// One function a component exports, at the root or inside an exported instance.
#[derive(Clone, Debug)]
pub struct ExportedFunc {
    /// The exported instance (e.g. `example:calc/ops@1.0.0`), `None` for a root function.
    pub interface: Option<String>,
    /// The function name inside `interface` (or at the root).
    pub name: String,
    /// The function's type.
    pub ty: ComponentFunc,
    /// Index for `Instance::get_func` on an instance of the component.
    pub index: ComponentExportIndex,
}

impl ExportedFunc {
    /// `iface#name` or just `name`: the name `invoke` accepts without ambiguity.
    pub fn qualified_name(&self) -> String {
        match &self.interface {
            Some(iface) => format!("{iface}#{}", self.name),
            None => self.name.clone(),
        }
    }

    /// The function as WIT-like text, e.g. `example:calc/ops#add(a: u32, b: u32) -> u32`
    /// (prefixed by `async ` for async functions).
    pub fn signature(&self) -> String {
        let prefix = if self.ty.async_() { "async " } else { "" };
        format!(
            "{prefix}{}{}",
            self.qualified_name(),
            func_type_text(&self.ty)
        )
    }
}

/// Every function the component exports at the root or one instance deep,
/// except resource constructors, methods and statics (which need handles).
pub fn exported_functions(engine: &Engine, component: &Component) -> Vec<ExportedFunc> {
    let mut funcs = Vec::new();
    for (export_name, item) in component.component_type().exports(engine) {
        match item.ty {
            ComponentItem::ComponentFunc(ty) => {
                if let Some(index) = component.get_export_index(None, export_name) {
                    push_func(&mut funcs, None, export_name, ty, index);
                }
            }
            ComponentItem::ComponentInstance(instance) => {
                let Some(instance_index) = component.get_export_index(None, export_name) else {
                    continue;
                };
                for (name, item) in instance.exports(engine) {
                    let ComponentItem::ComponentFunc(ty) = item.ty else {
                        continue;
                    };
                    if let Some(index) = component.get_export_index(Some(&instance_index), name) {
                        push_func(&mut funcs, Some(export_name), name, ty, index);
                    }
                }
            }
            _ => {}
        }
    }
    // Root functions first: they have the shortest names.
    funcs.sort_by_key(|f| f.interface.is_some());
    funcs
}

fn push_func(
    funcs: &mut Vec<ExportedFunc>,
    interface: Option<&str>,
    name: &str,
    ty: ComponentFunc,
    index: ComponentExportIndex,
) {
    if name.starts_with('[') {
        return;
    }
    funcs.push(ExportedFunc {
        interface: interface.map(str::to_owned),
        name: name.to_owned(),
        ty,
        index,
    });
}

/// Finds the exported function `name` refers to. Accepted forms:
/// `add`, `example:calc/ops#add`, `example:calc/ops@1.0.0#add`,
/// `ops#add` and `ops.add` (short interface name, when unambiguous).
/// A bare `add` also finds an interface function if exactly one is called that.
pub fn resolve_function(
    engine: &Engine,
    component: &Component,
    name: &str,
) -> Result<ExportedFunc> {
    let funcs = exported_functions(engine, component);
    let candidates: Vec<&ExportedFunc> = match split_name(name) {
        Some((iface, func)) => funcs
            .iter()
            .filter(|f| {
                f.name == func
                    && f.interface
                        .as_deref()
                        .is_some_and(|i| interface_matches(i, iface))
            })
            .collect(),
        None => {
            let root: Vec<_> = funcs
                .iter()
                .filter(|f| f.interface.is_none() && f.name == name)
                .collect();
            if root.is_empty() {
                funcs.iter().filter(|f| f.name == name).collect()
            } else {
                root
            }
        }
    };
    match candidates.as_slice() {
        [one] => Ok((*one).clone()),
        [] => bail!("no exported function `{name}`; {}", available(&funcs)),
        many => {
            let list: Vec<String> = many
                .iter()
                .map(|f| format!("  {}", f.signature()))
                .collect();
            bail!(
                "`{name}` is ambiguous; say which one you mean:\n{}",
                list.join("\n")
            )
        }
    }
}

/// "available exports: ..." for error messages.
pub(crate) fn available(funcs: &[ExportedFunc]) -> String {
    if funcs.is_empty() {
        return "the component exports no functions that can be invoked".to_owned();
    }
    let mut text = "available exports:".to_owned();
    for f in funcs {
        let _ = write!(text, "\n  {}", f.signature());
    }
    text
}

/// Splits `iface#func` or `iface.func`; `None` for a plain function name.
fn split_name(name: &str) -> Option<(&str, &str)> {
    name.rsplit_once('#').or_else(|| name.rsplit_once('.'))
}

/// Whether the user's `given` names the exported instance `full`: the full
/// name, the name without `@version`, or the bare interface name.
fn interface_matches(full: &str, given: &str) -> bool {
    let unversioned = full.split_once('@').map_or(full, |(base, _)| base);
    let short = unversioned
        .rsplit_once('/')
        .map_or(unversioned, |(_, iface)| iface);
    given == full || given == unversioned || given == short
}

/// `(a: u32, b: string) -> u32`.
pub fn func_type_text(ty: &ComponentFunc) -> String {
    let params: Vec<String> = ty
        .params()
        .map(|(name, ty)| format!("{name}: {}", type_text(&ty)))
        .collect();
    let mut text = format!("({})", params.join(", "));
    let results: Vec<String> = ty.results().map(|ty| type_text(&ty)).collect();
    if !results.is_empty() {
        let _ = write!(text, " -> {}", results.join(", "));
    }
    text
}

/// WIT-like text for a value type. Named types are shown by structure since
/// their names are not kept at run time.
pub fn type_text(ty: &Type) -> String {
    let opt = |ty: Option<Type>| ty.map_or("_".to_owned(), |t| type_text(&t));
    match ty {
        Type::Bool => "bool".into(),
        Type::S8 => "s8".into(),
        Type::U8 => "u8".into(),
        Type::S16 => "s16".into(),
        Type::U16 => "u16".into(),
        Type::S32 => "s32".into(),
        Type::U32 => "u32".into(),
        Type::S64 => "s64".into(),
        Type::U64 => "u64".into(),
        Type::Float32 => "f32".into(),
        Type::Float64 => "f64".into(),
        Type::Char => "char".into(),
        Type::String => "string".into(),
        Type::List(l) => format!("list<{}>", type_text(&l.ty())),
        Type::FixedLengthList(l) => format!("list<{}, {}>", type_text(&l.ty()), l.len()),
        Type::Map(m) => format!("map<{}, {}>", type_text(&m.key()), type_text(&m.value())),
        Type::Record(r) => {
            let fields: Vec<String> = r
                .fields()
                .map(|f| format!("{}: {}", f.name, type_text(&f.ty)))
                .collect();
            format!("record {{ {} }}", fields.join(", "))
        }
        Type::Tuple(t) => format!(
            "tuple<{}>",
            t.types()
                .map(|t| type_text(&t))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Type::Variant(v) => {
            let cases: Vec<String> = v
                .cases()
                .map(|c| match c.ty {
                    Some(ty) => format!("{}({})", c.name, type_text(&ty)),
                    None => c.name.to_owned(),
                })
                .collect();
            format!("variant {{ {} }}", cases.join(", "))
        }
        Type::Enum(e) => format!("enum {{ {} }}", e.names().collect::<Vec<_>>().join(", ")),
        Type::Flags(f) => format!("flags {{ {} }}", f.names().collect::<Vec<_>>().join(", ")),
        Type::Option(o) => format!("option<{}>", type_text(&o.ty())),
        Type::Result(r) => match (r.ok(), r.err()) {
            (None, None) => "result".into(),
            (ok, err) => format!("result<{}, {}>", opt(ok), opt(err)),
        },
        Type::Own(_) => "own<resource>".into(),
        Type::Borrow(_) => "borrow<resource>".into(),
        Type::Future(f) => format!("future<{}>", opt(f.ty())),
        Type::Stream(s) => format!("stream<{}>", opt(s.ty())),
        Type::ErrorContext => "error-context".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interface_names_match_in_every_short_form() {
        let full = "example:calc/ops@1.0.0";
        for given in [full, "example:calc/ops", "ops"] {
            assert!(interface_matches(full, given), "{given}");
        }
        assert!(!interface_matches(full, "calc"));
        assert!(!interface_matches(full, "op"));
        assert!(interface_matches("plain", "plain"));
    }

    #[test]
    fn names_split_on_hash_or_dot() {
        assert_eq!(
            split_name("example:calc/ops@1.0.0#add"),
            Some(("example:calc/ops@1.0.0", "add"))
        );
        assert_eq!(split_name("ops.add"), Some(("ops", "add")));
        assert_eq!(split_name("ops@1.0.0.add"), Some(("ops@1.0.0", "add")));
        assert_eq!(split_name("add"), None);
    }
}
