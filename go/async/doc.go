// Package async holds what a Go program uses of the Component Model's
// async ABI besides the generated bindings: the ends of stream<T> and
// future<T>, adapters of byte streams to io.Reader and io.Writer, and
// controls of the executor that runs the component's async functions.
//
// Async exports run on goroutines, one per call; an async import blocks
// only the goroutine that calls it, and takes a context.Context whose
// cancellation cancels the call. The context an async export receives is
// cancelled when the caller cancels the call.
//
// Ends received from the other side arrive as arguments and results of
// generated functions. To send a stream or future, make one with NewStream
// or NewFuture, pass the reader to a WIT function, and write to the writer.
// Every end should be closed when done with; an end that becomes
// unreachable without being closed is dropped by a cleanup.
package async
