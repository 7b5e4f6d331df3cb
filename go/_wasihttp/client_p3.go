package wasihttp

import (
	"context"
	"io"
	"net/http"

	"witgo/async"
	"witgo/bindings/wasi/http/client"
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
	var contents wit.Option[*async.StreamReader[uint8]]
	var bodyWriter *async.StreamWriter[uint8]
	if req.Body != nil && req.Body != http.NoBody {
		var r *async.StreamReader[uint8]
		bodyWriter, r = async.NewStream[uint8]()
		contents = wit.Some(r)
	}
	trailersWriter, trailersReader := async.NewFuture[trailersResult]()
	parts := outgoingParts(req)
	request, sent := types.RequestNew(parts.headers, contents, trailersReader, wit.None[*types.RequestOptions]())
	request.SetMethod(parts.method)
	request.SetScheme(wit.Some(parts.scheme))
	request.SetAuthority(wit.Some(parts.authority))
	request.SetPathWithQuery(wit.Some(parts.path))

	// The request body goes out while the host sends the request.
	go func() {
		if bodyWriter != nil {
			w := async.Writer(bodyWriter)
			w.Ctx = ctx
			io.Copy(w, req.Body)
			w.Close()
		}
		closeBody()
		var trailers wit.Option[*types.Fields]
		if len(req.Trailer) > 0 {
			trailers = wit.Some(headerFields(req.Trailer, extraFields{}))
		}
		trailersWriter.Write(ctx, wit.Ok[wit.Option[*types.Fields], types.ErrorCode](trailers))
		sent.Read(ctx)
	}()

	resp, err := client.Send(ctx, request)
	if err != nil {
		return nil, err
	}
	out := clientResponse(req, int(resp.GetStatusCode()))
	fieldsHeader(resp.GetHeaders(), out.Header)
	out.ContentLength = contentLength(out.Header)
	done, doneReader := async.NewFuture[doneResult]()
	stream, trailers := types.ResponseConsumeBody(resp, doneReader)
	out.Body = &bodyReader{
		ctx:      ctx,
		r:        stream,
		trailers: trailers,
		trailer:  &out.Trailer,
		left:     -1, // a HEAD's response has a length and no body
		onClose: func() {
			go done.Write(context.Background(), wit.Ok[struct{}, types.ErrorCode](struct{}{}))
		},
	}
	return out, nil
}
