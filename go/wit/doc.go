// Package wit holds the generic Go types that witgo's bindings use for WIT
// types without a natural Go spelling: option, result and tuple values that
// appear inside other types, and the error wrapper for result error payloads
// that are not themselves Go error types.
//
// At the top level of a function signature witgo prefers plain Go: a
// result<T, E> result becomes (T, error), an option<T> result becomes
// (T, bool) and a tuple result becomes several results.
package wit
