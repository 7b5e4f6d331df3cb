package wit

// Stream is the readable end of a WIT stream<T> handed across the component
// boundary. This version of witgo passes stream and future handles through
// signatures; reading and writing them is the job of witgo's async runtime.
type Stream[T any] struct{ handle int32 }

// StreamFromHandle wraps a readable-end handle received from the host.
func StreamFromHandle[T any](h int32) Stream[T] { return Stream[T]{handle: h} }

// Handle is the raw handle, for passing the stream on.
func (s Stream[T]) Handle() int32 { return s.handle }

// Future is the readable end of a WIT future<T>; see Stream.
type Future[T any] struct{ handle int32 }

// FutureFromHandle wraps a readable-end handle received from the host.
func FutureFromHandle[T any](h int32) Future[T] { return Future[T]{handle: h} }

// Handle is the raw handle, for passing the future on.
func (f Future[T]) Handle() int32 { return f.handle }

// ErrorContext is a WIT error-context handle.
type ErrorContext struct{ handle int32 }

// ErrorContextFromHandle wraps an error-context handle.
func ErrorContextFromHandle(h int32) ErrorContext { return ErrorContext{handle: h} }

// Handle is the raw handle.
func (e ErrorContext) Handle() int32 { return e.handle }
