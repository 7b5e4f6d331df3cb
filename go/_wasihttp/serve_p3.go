package wasihttp

import (
	"context"
	"errors"
	"net/http"
	"net/url"

	"witgo/async"
	"witgo/bindings/wasi/http/handler"
	"witgo/bindings/wasi/http/types"
	"witgo/internal/exec"
	"witgo/wit"
)

func init() { handler.Export(service{}) }

// service implements wasi:http/handler@0.3.0 with the registered handler:
// each request runs on a goroutine of its own, and the component answers
// as soon as the handler has written its header (or returned).
type service struct{}

func (service) Handle(ctx context.Context, req *types.Request) (*types.Response, error) {
	h := registered()
	// The request's context is cancelled when the host cancels the call
	// before the response went out, when the client goes away (a body
	// write finds the host's reader gone), or when the handler returns.
	// It outlives the call's own context, which ends once the response
	// went out while the handler may still be writing the body.
	// The request's context, the sink, the writer and the cancellation
	// hook are one allocation.
	x := new(exchangeP3)
	out, w := &x.sink, &x.writer
	out.call = ctx
	out.onCancel.Register(ctx, cancelExchange, x)
	r, finishBody, err := newRequest(x.reqCtx.Context(), req, &x.url)
	if err != nil {
		out.onCancel.Stop()
		x.reqCtx.Cancel()
		return nil, types.ErrorCodeHTTPRequestURIInvalid()
	}
	// The response goes out (ReturnHandle) as soon as the handler has
	// written its header, or has returned, and the handler goes on writing
	// the body inside this call's task. It runs here, on the export's own
	// goroutine: a handler that does not wait (a request answered at once,
	// or an echo of a body that has arrived) then runs without a single
	// goroutine switch. One that waits (for its body, a timer, an outbound
	// call) lets the runtime overlay return the call to the host on a new
	// goroutine with a copy of the export's frame and, when this stack has
	// grown, a stack as large, and goes on here when it is woken. That
	// costs less than handing every request with a body to a serving
	// goroutine (BENCHMARKS.md).
	w.init(r, out, &x.reqCtx)
	w.serve(h, r, finishBody)
	// (Ignored: the response, or the cancellation, went out already.)
	return nil, ctx.Err()
}

// exchangeP3 is what a request needs until its handler is done,
// allocated together.
type exchangeP3 struct {
	sink   sinkP3
	writer responseWriter
	reqCtx exec.CancelContext
	url    url.URL // the request's URL, unless the parser made it
}

// cancelExchange answers a call the host cancelled at once (the sink's
// onCancel): the handler learns of it through its request's context, and
// a response it makes later is dropped.
func cancelExchange(arg any) {
	x := arg.(*exchangeP3)
	x.reqCtx.Cancel()
	handler.ReturnHandle(x.sink.call, nil, x.sink.call.Err())
}

// newRequest is req as net/http's server fills an *http.Request, its body
// streaming from the request's stream, its URL in u unless the parser
// made it; finishBody tells the host the body was consumed (or not) once
// the handler is done.
func newRequest(ctx context.Context, req *types.Request, u *url.URL) (*http.Request, func(), error) {
	target, _ := req.GetPathWithQuery()
	authority, _ := req.GetAuthority()
	scheme, ok := req.GetScheme()
	https := ok && scheme.Tag() == types.SchemeTagHTTPS
	header := http.Header{}
	seen := fieldsHeader(req.GetHeaders(), header)
	r, err := serverRequest(ctx, methodName(req.GetMethod()), target, authority, https, header, seen, u)
	if err != nil {
		req.Close()
		return nil, nil, err
	}

	if r.ContentLength == 0 && r.Trailer == nil {
		// No body to read: the request goes now, as a client's would, and
		// with it the body's stream and futures the host would otherwise
		// wait on.
		req.Close()
		r.Body = http.NoBody
		return r, func() {}, nil
	}
	done, doneReader := async.NewFuture[doneResult]()
	stream, trailers := types.RequestConsumeBody(req, doneReader)
	body := &bodyReader{ctx: ctx, r: stream, trailers: trailers, trailer: &r.Trailer, left: r.ContentLength}
	if r.ContentLength > 0 && r.Trailer == nil {
		// A request of known length that declared no trailers gets none
		// from net/http's servers: HTTP/1.1 sends trailers only after a
		// chunked body, and the HTTP/2 server keeps only declared ones.
		// Not waiting for them at the body's end saves the handler a
		// round trip through the host.
		trailers.Close()
		body.trailers = nil
	}
	if r.ContentLength == 0 {
		r.Body = http.NoBody
	} else {
		r.Body = body
	}
	finish := func() {
		body.Close()
		done.Write(context.Background(), wit.Ok[struct{}, types.ErrorCode](struct{}{}))
	}
	return r, finish, nil
}

// sinkP3 sends a response as a wasi:http 0.3 response: its body a
// stream<u8>, its trailers a future; the response is the results of the
// export call whose context is call, delivered once its header is ready.
type sinkP3 struct {
	call     context.Context
	onCancel exec.AfterHook // the call's cancellation handling
	body     *async.StreamWriter[uint8]
	trailers *async.FutureWriter[trailersResult]
	result   *async.FutureReader[doneResult]
}

func (s *sinkP3) open(status int, fields []fieldEntry, withBody bool) {
	var contents wit.Option[*async.StreamReader[uint8]]
	if withBody {
		var r *async.StreamReader[uint8]
		s.body, r = async.NewStream[uint8]()
		contents = wit.Some(r)
	}
	var trailersReader *async.FutureReader[trailersResult]
	s.trailers, trailersReader = async.NewFuture[trailersResult]()
	resp, result := types.ResponseNew(fieldsFromList(fields), contents, trailersReader)
	s.result = result
	if status != http.StatusOK { // response.new's default
		resp.SetStatusCode(types.StatusCode(status))
	}
	s.onCancel.Stop()
	if !handler.ReturnHandle(s.call, resp, nil) {
		// The host cancelled the call first.
		resp.Close()
	}
}

func (s *sinkP3) write(ctx context.Context, p []byte) (int, error) {
	n, err := s.body.Write(ctx, p)
	return n, bodyError(err)
}

func (s *sinkP3) send(ctx context.Context, p []byte, done func(any), arg any) error {
	return bodyError((*exec.StreamWriter[uint8])(s.body).Send(ctx, p, done, arg))
}

// bodyError is a body write's error as the response writer reports it:
// errPeerGone for a reader that went away.
func bodyError(err error) error {
	if errors.Is(err, async.ErrPeerGone) {
		return errPeerGone
	}
	return err
}

// flush waits until the host took what send gave it (each write waits
// for that itself).
func (s *sinkP3) flush(ctx context.Context) {
	(*exec.StreamWriter[uint8])(s.body).Flush(ctx)
}

// close sends the body's end and the trailers without waiting for the
// host to take them: the handler's goroutine is done, and the task stays
// until the host has taken them (see exec's sends).
func (s *sinkP3) close(last []byte, trailers http.Header) {
	if s.body != nil {
		(*exec.StreamWriter[uint8])(s.body).SendAndClose(last)
	}
	var fields wit.Option[*types.Fields]
	if trailers != nil {
		fields = wit.Some(headerFields(trailers, extraFields{}))
	}
	(*exec.FutureWriter[trailersResult])(s.trailers).Send(wit.Ok[wit.Option[*types.Fields], types.ErrorCode](fields))
}

func (s *sinkP3) abort() {
	if s.body != nil {
		s.body.Close()
	}
	(*exec.FutureWriter[trailersResult])(s.trailers).Send(wit.Err[wit.Option[*types.Fields], types.ErrorCode](
		types.ErrorCodeInternalError(wit.Some("handler panicked"))))
}

// done lets go of the host's report on sending the response: nothing
// here would act on it, and waiting for it costs the task a round trip.
func (s *sinkP3) done() {
	if s.result != nil {
		s.result.Close()
	}
}
