package wit

// Streams and futures are in witgo/async (StreamReader, FutureReader).

// ErrorContext is a WIT error-context: an error with a debug message that
// crosses component boundaries. It implements error; its message is what
// the component that created it said (hosts may drop it in production).
type ErrorContext struct{ handle int32 }

// NewErrorContext creates an error-context carrying msg.
func NewErrorContext(msg string) ErrorContext {
	return ErrorContext{handle: errorContextNew(msg)}
}

// ErrorContextFromHandle wraps an error-context handle.
func ErrorContextFromHandle(h int32) ErrorContext { return ErrorContext{handle: h} }

// Handle is the raw handle.
func (e ErrorContext) Handle() int32 { return e.handle }

// DebugMessage is the error-context's debug message.
func (e ErrorContext) DebugMessage() string { return errorContextDebugMessage(e.handle) }

// Error returns the debug message.
func (e ErrorContext) Error() string { return "error-context: " + e.DebugMessage() }

// Drop releases this handle to the error-context. Passing an error-context
// to another component keeps it usable here; dropping is how a component
// says it is done with it.
func (e ErrorContext) Drop() { errorContextDrop(e.handle) }
