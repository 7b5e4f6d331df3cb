package wasihttp

import (
	"context"
	"net/http"
	"net/url"

	incominghandler "witgo/bindings/wasi/http/incoming-handler"
	"witgo/bindings/wasi/http/types"
	"witgo/wit"
)

func init() { incominghandler.Export(serviceP2{}) }

// serviceP2 implements wasi:http/incoming-handler@0.2.x with the
// registered handler. The export is synchronous: the handler runs on the
// calling goroutine and its response, body included, is complete when the
// call returns (the host makes an instance per request).
type serviceP2 struct{}

func (serviceP2) Handle(req *types.IncomingRequest, out *types.ResponseOutparam) {
	h := registered()
	// The request's context is cancelled when the client goes away (a
	// body write finds the stream closed) or when the handler returns.
	ctx, cancel := context.WithCancel(context.Background())
	r, finishBody, err := newRequestP2(ctx, req)
	if err != nil {
		cancel()
		types.ResponseOutparamSet(out, wit.Err[*types.OutgoingResponse](types.ErrorCodeHTTPRequestURIInvalid()))
		return
	}
	w := newResponseWriter(r, &sinkP2{out: out}, cancelFunc(cancel))
	w.serve(h, r, finishBody)
}

// newRequestP2 is req as net/http's server fills an *http.Request, its
// body streaming from the request's input-stream; finishBody drops what is
// left of the request once the handler is done.
func newRequestP2(ctx context.Context, req *types.IncomingRequest) (*http.Request, func(), error) {
	target, _ := req.PathWithQuery()
	authority, _ := req.Authority()
	scheme, ok := req.Scheme()
	https := ok && scheme.Tag() == types.SchemeTagHTTPS
	header := http.Header{}
	seen := fieldsHeader(req.Headers(), header)
	r, err := serverRequest(ctx, methodName(req.Method()), target, authority, https, header, seen, new(url.URL))
	if err != nil {
		req.Close()
		return nil, nil, err
	}
	incoming, err := req.Consume()
	if err != nil {
		req.Close()
		return nil, nil, err
	}
	// The body is the request's child: the request goes after it.
	body, err := newBodyReader(ctx, incoming, &r.Trailer, func() { req.Close() })
	if err != nil {
		req.Close()
		return nil, nil, err
	}
	if r.ContentLength == 0 {
		r.Body = http.NoBody
	} else {
		r.Body = body
	}
	return r, func() { body.Close() }, nil
}

// sinkP2 sends a response through a wasi:http 0.2 response-outparam: the
// header when the handler sends it, then the body's output-stream.
type sinkP2 struct {
	out    *types.ResponseOutparam
	body   *types.OutgoingBody
	stream *streamWriter
}

func (s *sinkP2) open(status int, fields []fieldEntry, withBody bool) {
	resp := types.NewOutgoingResponse(fieldsFromList(fields))
	resp.SetStatusCode(types.StatusCode(status))
	// A 0.2 response always has a body resource; without one to send it
	// is finished empty.
	body, err := resp.Body()
	if err == nil {
		s.body = body
		if stream, err := body.Write(); err == nil {
			s.stream = newStreamWriter(stream)
		}
	}
	types.ResponseOutparamSet(s.out, wit.Ok[*types.OutgoingResponse, types.ErrorCode](resp))
	s.out = nil
}

func (s *sinkP2) write(ctx context.Context, p []byte) (int, error) {
	if s.stream == nil {
		return 0, errPeerGone
	}
	return s.stream.Write(ctx, p)
}

// send writes p before it returns: a 0.2 body is a blocking stream.
func (s *sinkP2) send(ctx context.Context, p []byte, done func(any), arg any) error {
	if _, err := s.write(ctx, p); err != nil {
		return err
	}
	done(arg)
	return nil
}

func (s *sinkP2) flush(ctx context.Context) {
	if s.stream != nil {
		s.stream.Flush(ctx)
	}
}

func (s *sinkP2) close(last []byte, trailers http.Header) {
	if s.stream != nil && len(last) > 0 {
		s.stream.Write(context.Background(), last)
	}
	if s.stream != nil {
		s.stream.Flush(context.Background())
		s.stream.Close()
		s.stream = nil
	}
	if s.body != nil {
		types.OutgoingBodyFinish(s.body, trailerFields(trailers))
		s.body = nil
	}
}

// abort drops the body unfinished: the host ends the response with an
// error, so the client sees it cut short.
func (s *sinkP2) abort() {
	if s.stream != nil {
		s.stream.Close()
		s.stream = nil
	}
	if s.body != nil {
		s.body.Close()
		s.body = nil
	}
}

// done has nothing to wait for: 0.2 reports nothing after the body.
func (s *sinkP2) done() {}
