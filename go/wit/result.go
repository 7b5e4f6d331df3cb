package wit

import "witgo/abi"

// Result is a WIT result<T, E> that appears inside another type (a list
// element, a record field, a parameter). Function results use (T, error).
type Result[T, E any] struct {
	ok    T
	err   E
	isErr bool
}

// Ok returns a successful Result.
func Ok[T, E any](v T) Result[T, E] { return Result[T, E]{ok: v} }

// Err returns a failed Result.
func Err[T, E any](e E) Result[T, E] { return Result[T, E]{err: e, isErr: true} }

// IsOk reports whether r is successful.
func (r Result[T, E]) IsOk() bool { return !r.isErr }

// IsErr reports whether r failed.
func (r Result[T, E]) IsErr() bool { return r.isErr }

// Ok returns the success value and whether r is successful.
func (r Result[T, E]) Ok() (T, bool) { return r.ok, !r.isErr }

// Err returns the error value and whether r failed.
func (r Result[T, E]) Err() (E, bool) { return r.err, r.isErr }

// String formats r as ok(v) or err(e), each as abi.FormatAny does (see
// Option.String for why not fmt).
func (r Result[T, E]) String() string {
	if r.isErr {
		return "err(" + abi.FormatAny(r.err) + ")"
	}
	return "ok(" + abi.FormatAny(r.ok) + ")"
}

// Error carries the error payload of a result<T, E> whose E is not itself a
// Go error type (a string, a number, a list, ...). Recover it with
// errors.As:
//
//	var e wit.Error[string]
//	if errors.As(err, &e) { ... e.Value ... }
//
// Enums, variants, records and flags used as error payloads implement error
// themselves and are returned directly instead.
type Error[E any] struct {
	Value E
}

// Error formats the payload without fmt (see abi.FormatAny): every program
// whose WIT has a result<_, string> returns Error values as errors, which
// links this method in.
func (e Error[E]) Error() string { return abi.FormatAny(e.Value) }

// Unit is the error of a result with no error payload (result<T> or
// result): it carries nothing but the fact of failure.
type Unit struct{}

func (Unit) Error() string { return "error" }

// ErrorValue finds the first error in err's chain (walked as errors.As
// walks it: Unwrap() error, Unwrap() []error, As(any) bool) that is an E
// or an Error[E], and returns its E. Generated export glue uses it to turn
// an implementation's Go error into the WIT error payload; unlike
// errors.As it needs no reflection, which keeps internal/reflectlite out
// of programs that do not otherwise use it.
func ErrorValue[E any](err error) (E, bool) {
	var zero E
	for err != nil {
		if v, ok := any(err).(E); ok {
			return v, true
		}
		if w, ok := err.(Error[E]); ok {
			return w.Value, true
		}
		if x, ok := err.(interface{ As(any) bool }); ok {
			var v E
			if x.As(&v) {
				return v, true
			}
			var w Error[E]
			if x.As(&w) {
				return w.Value, true
			}
		}
		switch u := err.(type) {
		case interface{ Unwrap() error }:
			err = u.Unwrap()
		case interface{ Unwrap() []error }:
			for _, e := range u.Unwrap() {
				if v, ok := ErrorValue[E](e); ok {
					return v, true
				}
			}
			return zero, false
		default:
			return zero, false
		}
	}
	return zero, false
}
