//! What a caller can configure about one run or invocation.

use std::path::PathBuf;

use crate::Features;

/// Options for [`run`](crate::run) and [`invoke`](crate::invoke).
///
/// Standard input, output and error are always inherited from this process.
#[derive(Debug, Clone, Default)]
pub struct RunOptions {
    /// Program arguments after `argv[0]`; `argv[0]` is the component's file name.
    pub args: Vec<String>,
    /// Environment variables given to the guest; they replace inherited ones
    /// of the same name.
    pub env: Vec<(String, String)>,
    /// Whether the guest also sees this process's environment (variables whose
    /// name or value is not UTF-8 are left out).
    pub inherit_env: bool,
    /// Host directories to expose: `(host directory, path inside the guest)`.
    pub preopens: Vec<(PathBuf, String)>,
    /// Compiled-component cache; `None` means [`default_cache_dir`](crate::default_cache_dir).
    pub cache_dir: Option<PathBuf>,
    /// Optional component-model features beyond a standard host's defaults.
    pub features: Features,
    /// Imports the host does not provide (a world's own interfaces) trap
    /// when called, naming the import, instead of failing instantiation:
    /// `witgo test` runs the tests that never call them.
    pub trap_unknown_imports: bool,
    /// The guest's outgoing HTTP requests fail with
    /// `error-code.http-request-denied` instead of being sent.
    pub deny_outbound_http: bool,
    /// What the guest may reach over wasi:sockets (nothing by default).
    pub network: crate::NetworkGrants,
}
