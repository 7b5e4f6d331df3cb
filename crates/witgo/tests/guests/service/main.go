// Command service is a wasi:http/service@0.3.0 component written against the
// generated bindings: GET / greets, POST /echo streams the request body
// back, /sleep?ms=N answers after N milliseconds (requests run
// concurrently), anything else is 404.
package main

import (
	"context"
	"io"
	"strconv"
	"strings"
	"time"

	"e2e/service/gen/wasi/http/handler"
	"e2e/service/gen/wasi/http/types"
	"e2e/service/gen/witgo/async"
	"e2e/service/gen/witgo/wit"
)

// Handler implements wasi:http/handler@0.3.0 on the raw bindings.
type Handler struct{}

// Registering it replaces witgo/wasihttp, which would otherwise serve the
// export with net/http's http.DefaultServeMux.
func init() { handler.Export(Handler{}) }

type trailers = wit.Result[wit.Option[*types.Fields], types.ErrorCode]

func (Handler) Handle(ctx context.Context, req *types.Request) (*types.Response, error) {
	target, _ := req.GetPathWithQuery()
	path, query, _ := strings.Cut(target, "?")
	method := req.GetMethod().Tag()
	// A request whose body is not consumed is dropped: until then the
	// host's result for the response (read below) waits for it.
	if path != "/echo" {
		req.Close()
	}
	switch {
	case path == "/" && method == types.MethodTagGet:
		return respond(200, strings.NewReader("hello from Go\n"))
	case path == "/echo" && method == types.MethodTagPost:
		// The request body streams straight into the response body.
		done, doneReader := async.NewFuture[wit.Result[struct{}, types.ErrorCode]]()
		body, _ := types.RequestConsumeBody(req, doneReader)
		go done.Write(context.Background(), wit.Ok[struct{}, types.ErrorCode](struct{}{}))
		return respond(200, async.Reader(body))
	case path == "/sleep":
		ms, err := strconv.Atoi(strings.TrimPrefix(query, "ms="))
		if err != nil {
			return respond(400, strings.NewReader("bad ms\n"))
		}
		time.Sleep(time.Duration(ms) * time.Millisecond)
		return respond(200, strings.NewReader("slept "+strconv.Itoa(ms)+"ms\n"))
	default:
		return respond(404, strings.NewReader("not found: "+path+"\n"))
	}
}

// respond answers with status and a text/plain body copied from src by a
// goroutine while the host sends it.
func respond(status types.StatusCode, src io.Reader) (*types.Response, error) {
	headers := types.NewFields()
	if err := headers.Set("content-type", [][]byte{[]byte("text/plain")}); err != nil {
		return nil, err
	}
	bodyWriter, body := async.NewStream[uint8]()
	trailersWriter, trailersReader := async.NewFuture[trailers]()
	resp, sent := types.ResponseNew(headers, wit.Some(body), trailersReader)
	if err := resp.SetStatusCode(status); err != nil {
		return nil, err
	}
	go func() {
		ctx := context.Background()
		w := async.Writer(bodyWriter)
		io.Copy(w, src)
		w.Close()
		trailersWriter.Write(ctx, wit.Ok[wit.Option[*types.Fields], types.ErrorCode](wit.None[*types.Fields]()))
		sent.Read(ctx)
	}()
	return resp, nil
}

func main() {}
