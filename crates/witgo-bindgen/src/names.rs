//! WIT identifiers (kebab-case) to Go identifiers.

use heck::{ToLowerCamelCase, ToUpperCamelCase};
use std::collections::HashSet;

/// Go keywords: never valid identifiers.
const KEYWORDS: &[&str] = &[
    "break",
    "case",
    "chan",
    "const",
    "continue",
    "default",
    "defer",
    "else",
    "fallthrough",
    "for",
    "func",
    "go",
    "goto",
    "if",
    "import",
    "interface",
    "map",
    "package",
    "range",
    "return",
    "select",
    "struct",
    "switch",
    "type",
    "var",
];

/// Predeclared identifiers: legal, but shadowing them in generated code breaks
/// the code around it, so locals and parameters avoid them.
const PREDECLARED: &[&str] = &[
    "any",
    "append",
    "bool",
    "byte",
    "cap",
    "clear",
    "close",
    "comparable",
    "complex",
    "complex128",
    "complex64",
    "copy",
    "delete",
    "error",
    "false",
    "float32",
    "float64",
    "imag",
    "int",
    "int16",
    "int32",
    "int64",
    "int8",
    "iota",
    "len",
    "make",
    "max",
    "min",
    "new",
    "nil",
    "panic",
    "print",
    "println",
    "real",
    "recover",
    "rune",
    "string",
    "true",
    "uint",
    "uint16",
    "uint32",
    "uint64",
    "uint8",
    "uintptr",
];

/// Method names whose signatures `go vet`'s stdmethods analyzer checks; a WIT
/// function that happens to map to one of them gets a trailing underscore.
const VET_STD_METHODS: &[&str] = &[
    "As",
    "Format",
    "GobDecode",
    "GobEncode",
    "Is",
    "MarshalJSON",
    "MarshalXML",
    "Peek",
    "ReadByte",
    "ReadFrom",
    "ReadRune",
    "Scan",
    "Seek",
    "UnmarshalJSON",
    "UnmarshalXML",
    "UnreadByte",
    "UnreadRune",
    "Unwrap",
    "WriteByte",
    "WriteTo",
];

/// Words written in capitals in Go names (Go's initialisms convention).
const INITIALISMS: &[&str] = &[
    "api", "ascii", "cpu", "css", "dns", "eof", "guid", "html", "http", "https", "id", "ip",
    "json", "rpc", "sql", "ssh", "tcp", "tls", "ttl", "udp", "ui", "uid", "uri", "url", "utf8",
    "uuid", "xml",
];

fn fix_initialisms(camel: &str, kebab: &str) -> String {
    // Rebuild word by word so `http-url` becomes `HTTPURL`, not `HttpUrl`.
    let words: Vec<&str> = kebab.split('-').filter(|w| !w.is_empty()).collect();
    if !words
        .iter()
        .any(|w| INITIALISMS.contains(&w.to_ascii_lowercase().as_str()))
    {
        return camel.to_string();
    }
    let mut out = String::new();
    for (i, w) in words.iter().enumerate() {
        let lower = w.to_ascii_lowercase();
        if INITIALISMS.contains(&lower.as_str())
            && !(i == 0 && camel.starts_with(|c: char| c.is_lowercase()))
        {
            out.push_str(&lower.to_ascii_uppercase());
        } else if i == 0 && camel.starts_with(|c: char| c.is_lowercase()) {
            out.push_str(&lower);
        } else {
            out.push_str(&lower.to_upper_camel_case());
        }
    }
    out
}

/// `name` with its indefinite article, for comments: "a Blob", "an Item".
pub fn with_article(name: &str) -> String {
    let vowel = name.starts_with(|c: char| "AEIOUaeiou".contains(c));
    format!("{} {name}", if vowel { "an" } else { "a" })
}

/// Exported Go name: `get-http-url` -> `GetHTTPURL`.
pub fn exported(kebab: &str) -> String {
    let camel = kebab.to_upper_camel_case();
    let name = fix_initialisms(&camel, kebab);
    if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit()) {
        format!("X{name}")
    } else {
        name
    }
}

/// Exported Go method name, safe from vet's stdmethods check.
pub fn method(kebab: &str) -> String {
    let name = exported(kebab);
    if VET_STD_METHODS.contains(&name.as_str()) {
        format!("{name}_")
    } else {
        name
    }
}

/// Unexported Go name (parameters, fields of glue): `my-param` -> `myParam`.
pub fn local(kebab: &str) -> String {
    let camel = kebab.to_lower_camel_case();
    let name = fix_initialisms(&camel, kebab);
    if KEYWORDS.contains(&name.as_str()) || PREDECLARED.contains(&name.as_str()) {
        format!("{name}_")
    } else {
        name
    }
}

/// Go package name for a WIT interface or world name: `outgoing-handler` -> `outgoinghandler`.
pub fn package(kebab: &str) -> String {
    let mut name: String = kebab
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect();
    if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit()) {
        name = format!("p{name}");
    }
    if KEYWORDS.contains(&name.as_str()) || PREDECLARED.contains(&name.as_str()) || name == "main" {
        name.push('_');
    }
    name
}

/// A set of names already taken in one Go scope; `claim` picks the first free
/// spelling so two WIT items that map to one Go name stay distinct.
#[derive(Default, Clone, Debug)]
pub struct Namespace {
    taken: HashSet<String>,
}

impl Namespace {
    pub fn reserve(&mut self, name: &str) {
        self.taken.insert(name.to_string());
    }

    pub fn contains(&self, name: &str) -> bool {
        self.taken.contains(name)
    }

    pub fn claim(&mut self, want: &str) -> String {
        let mut name = want.to_string();
        while self.taken.contains(&name) {
            name.push('_');
        }
        self.taken.insert(name.clone());
        name
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_names() {
        assert_eq!(exported("get-http-url"), "GetHTTPURL");
        assert_eq!(exported("foo-bar"), "FooBar");
        assert_eq!(exported("id"), "ID");
        assert_eq!(local("http-url"), "httpURL");
        assert_eq!(local("type"), "type_");
        assert_eq!(local("string"), "string_");
        assert_eq!(local("my-param"), "myParam");
        assert_eq!(method("read-byte"), "ReadByte_");
        assert_eq!(package("outgoing-handler"), "outgoinghandler");
        assert_eq!(package("type"), "type_");
        assert_eq!(exported("FOO-bar"), "FooBar");
    }
}
