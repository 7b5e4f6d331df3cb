// A witgo contender of the HTTP benchmarks on the raw wasi:http bindings,
// without net/http: the same work as the Rust guest (bench/guests/rust-http).
// Beside the net/http guest (bench/guests/witgo-http) it shows what the
// net/http layer costs, and what a Go guest costs without it.
package main

import (
	"context"
	"strings"
	"sync"

	"bench/witgorawhttp/gen/wasi/http/handler"
	"bench/witgorawhttp/gen/wasi/http/types"
	"bench/witgorawhttp/gen/witgo/async"
	"bench/witgorawhttp/gen/witgo/wit"
)

// Registering the export from init replaces witgo/wasihttp's (docs/http.md).
func init() { handler.Export(service{}) }

type service struct{}

type (
	trailersResult = wit.Result[wit.Option[*types.Trailers], types.ErrorCode]
	doneResult     = wit.Result[struct{}, types.ErrorCode]
)

var (
	noTrailers = wit.Ok[wit.Option[*types.Trailers], types.ErrorCode](wit.None[*types.Trailers]())
	consumed   = wit.Ok[struct{}, types.ErrorCode](struct{}{})
	hello      = []byte("hello\n")
	// One 64 KiB buffer per request in flight, as the Rust guest reads.
	buffers = sync.Pool{New: func() any { b := make([]byte, 64<<10); return &b }}
)

// Handle answers at once with a streamed body: /echo copies the request's
// body into it on a goroutine of its own, anything else writes "hello\n".
func (service) Handle(ctx context.Context, req *types.Request) (*types.Response, error) {
	path, _ := req.GetPathWithQuery()
	headers, err := types.FieldsFromList([]wit.Tuple2[types.FieldName, types.FieldValue]{
		{F0: "content-type", F1: []byte("text/plain")},
	})
	if err != nil {
		req.Close()
		return nil, err
	}
	bodyWriter, bodyReader := async.NewStream[uint8]()
	trailersWriter, trailersReader := async.NewFuture[trailersResult]()
	resp, sent := types.ResponseNew(headers, wit.Some(bodyReader), trailersReader)
	sent.Close()
	bg := context.Background()
	if !strings.HasPrefix(path, "/echo") {
		req.Close()
		go func() {
			bodyWriter.Write(bg, hello)
			bodyWriter.Close()
			trailersWriter.Write(bg, noTrailers)
		}()
		return resp, nil
	}
	doneWriter, doneReader := async.NewFuture[doneResult]()
	body, requestTrailers := types.RequestConsumeBody(req, doneReader)
	requestTrailers.Close()
	go func() {
		buf := buffers.Get().(*[]byte)
		defer buffers.Put(buf)
		for {
			n, err := body.Read(bg, *buf)
			if n > 0 {
				if _, err := bodyWriter.Write(bg, (*buf)[:n]); err != nil {
					break
				}
			}
			if err != nil {
				break
			}
		}
		body.Close()
		bodyWriter.Close()
		trailersWriter.Write(bg, noTrailers)
		doneWriter.Write(bg, consumed)
	}()
	return resp, nil
}

func main() {}
