package wit

import "witgo/abi"

// Option is a WIT option<T>: either a value (Some) or nothing (None).
// The zero Option is None.
type Option[T any] struct {
	value T
	some  bool
}

// Some returns an Option holding v.
func Some[T any](v T) Option[T] { return Option[T]{value: v, some: true} }

// None returns an empty Option.
func None[T any]() Option[T] { return Option[T]{} }

// Get returns the value and whether there is one, like a map lookup.
func (o Option[T]) Get() (T, bool) { return o.value, o.some }

// IsSome reports whether o holds a value.
func (o Option[T]) IsSome() bool { return o.some }

// IsNone reports whether o is empty.
func (o Option[T]) IsNone() bool { return !o.some }

// Value returns the value, or the zero T for None.
func (o Option[T]) Value() T { return o.value }

// ValueOr returns the value, or def for None.
func (o Option[T]) ValueOr(def T) T {
	if o.some {
		return o.value
	}
	return def
}

// String formats o as some(v) or none, v as abi.FormatAny does (without
// fmt, which would otherwise be linked into every program whose types hold
// an Option: such types are returned as errors, and the linker keeps the
// String methods of every type reachable from one in an interface).
func (o Option[T]) String() string {
	if o.some {
		return "some(" + abi.FormatAny(o.value) + ")"
	}
	return "none"
}
