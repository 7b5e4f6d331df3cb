package wit

import "fmt"

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

// String formats r as ok(v) or err(e).
func (r Result[T, E]) String() string {
	if r.isErr {
		return fmt.Sprintf("err(%v)", r.err)
	}
	return fmt.Sprintf("ok(%v)", r.ok)
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

func (e Error[E]) Error() string { return fmt.Sprintf("%v", e.Value) }

// Unit is the error of a result with no error payload (result<T> or
// result): it carries nothing but the fact of failure.
type Unit struct{}

func (Unit) Error() string { return "error" }
