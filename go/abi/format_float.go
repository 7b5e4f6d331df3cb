package abi

import "strconv"

// Written into the bindings of worlds whose WIT has f32 or f64 only (see
// formatFloat).
func init() { formatFloat = strconv.FormatFloat }
