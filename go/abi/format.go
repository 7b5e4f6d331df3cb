package abi

// Formatting for the String and Error methods of generated types. It does
// not use fmt: a type's String method is linked into every program that
// puts the type in an interface (every WIT error type is returned as an
// error), and fmt would bring reflect and about 400 KB with it. The
// generator knows each value's WIT type, so it composes these helpers into
// code that prints what fmt's %v would.

// FormatUint formats v in decimal. (Not inlined: String methods are not
// hot, and FormatAny alone would hold a dozen copies.)
//
//go:noinline
func FormatUint(v uint64) string {
	var b [20]byte
	i := len(b)
	for v >= 10 {
		i--
		b[i] = byte('0' + v%10)
		v /= 10
	}
	i--
	b[i] = byte('0' + v)
	return string(b[i:])
}

// FormatInt formats v in decimal.
//
//go:noinline
func FormatInt(v int64) string {
	if v >= 0 {
		return FormatUint(uint64(v))
	}
	// -v wraps for the smallest int64, whose magnitude uint64 still holds.
	return "-" + FormatUint(uint64(-v))
}

// FormatBool formats v as true or false.
func FormatBool(v bool) string {
	if v {
		return "true"
	}
	return "false"
}

// FormatList formats xs as [x0 x1 ...], each element with f.
func FormatList[T any](xs []T, f func(T) string) string {
	b := append(make([]byte, 0, 2+3*len(xs)), '[')
	for i, x := range xs {
		if i > 0 {
			b = append(b, ' ')
		}
		b = append(b, f(x)...)
	}
	return string(append(b, ']'))
}

// formatEach is FormatList by index, for FormatAny: one function where
// FormatList would be instantiated once per element type (and not inlined
// into each of its cases).
//
//go:noinline
func formatEach(n int, f func(i int) string) string {
	b := append(make([]byte, 0, 2+3*n), '[')
	for i := range n {
		if i > 0 {
			b = append(b, ' ')
		}
		b = append(b, f(i)...)
	}
	return string(append(b, ']'))
}

// FormatMap formats m as map[k0:v0 k1:v1 ...], ordered by the formatted
// keys so that the output is stable.
func FormatMap[K comparable, V any](m map[K]V, fk func(K) string, fv func(V) string) string {
	entries := make([]string, 0, len(m))
	for k, v := range m {
		entries = append(entries, fk(k)+":"+fv(v))
	}
	// Insertion sort: maps printed for debugging are small, and the sort
	// package would be one more dependency of every program.
	for i := 1; i < len(entries); i++ {
		for j := i; j > 0 && entries[j] < entries[j-1]; j-- {
			entries[j], entries[j-1] = entries[j-1], entries[j]
		}
	}
	b := append(make([]byte, 0, 16*len(entries)), "map["...)
	for i, e := range entries {
		if i > 0 {
			b = append(b, ' ')
		}
		b = append(b, e...)
	}
	return string(append(b, ']'))
}

// FormatOption formats an option as some(v) or none; get is the option's
// Get method.
func FormatOption[T any](get func() (T, bool), f func(T) string) string {
	if v, ok := get(); ok {
		return "some(" + f(v) + ")"
	}
	return "none"
}

// FormatResult formats a result as ok(v) or err(e); ok and err are the
// result's Ok and Err methods.
func FormatResult[T, E any](ok func() (T, bool), err func() (E, bool), fok func(T) string, ferr func(E) string) string {
	if e, failed := err(); failed {
		return "err(" + ferr(e) + ")"
	}
	v, _ := ok()
	return "ok(" + fok(v) + ")"
}

// FormatAny formats v for code that does not know its type statically
// (wit.Error[E] for any E). It handles what error payloads usually are:
// errors and Stringers (which covers every generated type with a String
// method), strings, booleans, numbers and slices of those (every WIT list
// of a primitive type). Anything else is named by its type, as in
// <[]types.Point> (see TypeName): printing it as fmt would takes reflection.
// So are floats in a program whose WIT has none (see formatFloat).
func FormatAny(v any) string {
	switch x := v.(type) {
	case nil:
		return "<nil>"
	case error:
		return x.Error()
	case interface{ String() string }:
		return x.String()
	case string:
		return x
	case bool:
		return FormatBool(x)
	case int:
		return FormatInt(int64(x))
	case int8:
		return FormatInt(int64(x))
	case int16:
		return FormatInt(int64(x))
	case int32:
		return FormatInt(int64(x))
	case int64:
		return FormatInt(x)
	case uint:
		return FormatUint(uint64(x))
	case uint8:
		return FormatUint(uint64(x))
	case uint16:
		return FormatUint(uint64(x))
	case uint32:
		return FormatUint(uint64(x))
	case uint64:
		return FormatUint(x)
	case uintptr:
		return FormatUint(uint64(x))
	case float32:
		if formatFloat != nil {
			return formatFloat(float64(x), 'g', -1, 32)
		}
	case float64:
		if formatFloat != nil {
			return formatFloat(x, 'g', -1, 64)
		}
	case struct{}:
		return "{}"
	case []string:
		return formatEach(len(x), func(i int) string { return x[i] })
	case []bool:
		return formatEach(len(x), func(i int) string { return FormatBool(x[i]) })
	case []int8:
		return formatEach(len(x), func(i int) string { return FormatInt(int64(x[i])) })
	case []int16:
		return formatEach(len(x), func(i int) string { return FormatInt(int64(x[i])) })
	case []int32:
		return formatEach(len(x), func(i int) string { return FormatInt(int64(x[i])) })
	case []int64:
		return formatEach(len(x), func(i int) string { return FormatInt(x[i]) })
	case []uint8:
		return formatEach(len(x), func(i int) string { return FormatUint(uint64(x[i])) })
	case []uint16:
		return formatEach(len(x), func(i int) string { return FormatUint(uint64(x[i])) })
	case []uint32:
		return formatEach(len(x), func(i int) string { return FormatUint(uint64(x[i])) })
	case []uint64:
		return formatEach(len(x), func(i int) string { return FormatUint(x[i]) })
	case []float32:
		if formatFloat != nil {
			return formatEach(len(x), func(i int) string { return formatFloat(float64(x[i]), 'g', -1, 32) })
		}
	case []float64:
		if formatFloat != nil {
			return formatEach(len(x), func(i int) string { return formatFloat(x[i], 'g', -1, 64) })
		}
	}
	return "<" + TypeName(v) + ">"
}

// formatFloat is strconv.FormatFloat in programs whose WIT has f32 or f64
// (format_float.go, which the generator writes only then): its shortest
// formatting is 23 KB that FormatAny would otherwise link into every program.
var formatFloat func(f float64, fmt byte, prec, bitSize int) string

// kindName is reflect.Kind's String for the kinds FormatAny leaves to
// TypeName.
func kindName(k uint8) string {
	names := [...]string{
		13: "float32", 14: "float64", 15: "complex64", 16: "complex128",
		17: "array", kindChan: "chan", 19: "func", 20: "interface",
		kindMap: "map", kindPointer: "pointer", 23: "slice", 25: "struct",
		kindUnsafePointer: "unsafe.Pointer",
	}
	if int(k) < len(names) && names[k] != "" {
		return names[k]
	}
	return "value"
}
