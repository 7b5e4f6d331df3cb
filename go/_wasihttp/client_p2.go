package wasihttp

import (
	"context"
	"errors"
	"io"
	"net/http"

	outgoinghandler "witgo/bindings/wasi/http/outgoing-handler"
	"witgo/bindings/wasi/http/types"
	"witgo/wit"
)

// RoundTrip implements http.RoundTripper.
func (*Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	closeBody := func() {
		if req.Body != nil {
			req.Body.Close()
		}
	}
	parts := outgoingParts(req)
	request := types.NewOutgoingRequest(parts.headers)
	request.SetMethod(parts.method)
	request.SetScheme(wit.Some(parts.scheme))
	request.SetAuthority(wit.Some(parts.authority))
	request.SetPathWithQuery(wit.Some(parts.path))
	body, err := request.Body()
	if err != nil {
		request.Close()
		closeBody()
		return nil, errors.New("wasihttp: the host gave the request no body")
	}

	pending, err := outgoinghandler.Handle(request, wit.None[*types.RequestOptions]())
	if err != nil {
		body.Close()
		closeBody()
		return nil, err
	}
	// The request body goes out while the host sends the request and the
	// response comes back.
	go sendBody(ctx, req, body)

	resp, err := awaitResponse(ctx, pending)
	if err != nil {
		return nil, err
	}
	out := clientResponse(req, int(resp.Status()))
	fieldsHeader(resp.Headers(), out.Header)
	out.ContentLength = contentLength(out.Header)
	incoming, err := resp.Consume()
	if err != nil {
		resp.Close()
		return nil, errors.New("wasihttp: the host gave the response no body")
	}
	// The body is the response's child: the response goes after it.
	reader, err := newBodyReader(ctx, incoming, &out.Trailer, func() { resp.Close() })
	if err != nil {
		resp.Close()
		return nil, err
	}
	out.Body = reader
	return out, nil
}

// awaitResponse waits for the host's response to a sent request; ending
// ctx drops the pending response, which cancels the request.
func awaitResponse(ctx context.Context, pending *types.FutureIncomingResponse) (*types.IncomingResponse, error) {
	defer pending.Close()
	ready := pending.Subscribe()
	err := wait(ctx, ready)
	ready.Close()
	if err != nil {
		return nil, err
	}
	got, ok := pending.Get()
	if !ok {
		return nil, errors.New("wasihttp: the host's response was not ready")
	}
	result, ok := got.Ok()
	if !ok {
		return nil, errors.New("wasihttp: the host's response was taken already")
	}
	if code, failed := result.Err(); failed {
		return nil, code
	}
	resp, _ := result.Ok()
	return resp, nil
}

// sendBody streams req.Body into the request's outgoing body, then
// finishes it with req.Trailer.
func sendBody(ctx context.Context, req *http.Request, body *types.OutgoingBody) {
	defer func() {
		if req.Body != nil {
			req.Body.Close()
		}
	}()
	stream, err := body.Write()
	if err != nil {
		body.Close()
		return
	}
	w := newStreamWriter(stream)
	if req.Body != nil && req.Body != http.NoBody {
		buf := make([]byte, 32<<10)
		for {
			n, err := req.Body.Read(buf)
			if n > 0 {
				if _, werr := w.Write(ctx, buf[:n]); werr != nil {
					w.Close()
					body.Close()
					return
				}
			}
			if err == io.EOF {
				break
			}
			if err != nil {
				// The body failed: drop it unfinished, so the host ends the
				// request with an error.
				w.Close()
				body.Close()
				return
			}
		}
	}
	w.Flush(ctx)
	w.Close()
	types.OutgoingBodyFinish(body, trailerFields(req.Trailer))
}
