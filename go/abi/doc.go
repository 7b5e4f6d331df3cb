// Package abi holds the Canonical ABI helpers that witgo's generated bindings
// call: memory allocation for the host (cabi_realloc), pointer conversion,
// loads and stores, keeping host-visible memory alive exactly as long as the
// ABI requires, and resource handle bookkeeping.
//
// witgo vendors this package into every bindings output. User code should
// not need it; its API may change between witgo versions.
package abi
