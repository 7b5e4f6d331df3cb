package wasihttp

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"sync/atomic"

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
	// the body inside this call's task.
	w.init(r, out, &x.reqCtx)
	if r.Body == http.NoBody {
		// Here, on the export's own goroutine: a request without a body
		// is usually answered without waiting, and then without a single
		// goroutine switch.
		w.serve(h, r, finishBody)
		// (Ignored: the response, or the cancellation, went out already.)
		return nil, ctx.Err()
	}
	// A handler that reads a body waits for it: on a serving goroutine,
	// whose stack has grown to what handlers need. Waiting on the export's
	// own goroutine would hand the call's deep stack to a new goroutine at
	// every wait (runtime overlay), and leave the next request a small one
	// to grow again. This goroutine returns at once: the response goes out
	// when the handler has written its header (exec.Later), and the task
	// stays until the handler is done, so that its sleeps and timers wake
	// it.
	exec.Later(ctx)
	out.hold.Hold(ctx)
	out.w, out.h, out.r, out.finishBody = w, h, r, finishBody
	goServe(out)
	return nil, nil
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

// serve runs the handler on a serving goroutine (see Handle), inside the
// call's task until it returns.
func (s *sinkP3) serve() {
	defer s.hold.Release()
	s.w.serve(s.h, s.r, s.finishBody)
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
// For a handler run on a serving goroutine it also holds what that
// goroutine needs (w, h, r, finishBody), so that handing it over costs no
// allocation of its own.
type sinkP3 struct {
	call     context.Context
	onCancel exec.AfterHook // the call's cancellation handling
	body     *async.StreamWriter[uint8]
	trailers *async.FutureWriter[trailersResult]
	result   *async.FutureReader[doneResult]

	hold       exec.TaskHold // keeps the call's task while the handler runs
	w          *responseWriter
	h          http.Handler
	r          *http.Request
	finishBody func()
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
	if errors.Is(err, async.ErrPeerGone) {
		err = errPeerGone
	}
	return n, err
}

// flush has nothing to do: each write waits until the host took it.
func (s *sinkP3) flush(context.Context) {}

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

// goServe runs job.serve on a goroutine: one left idle by an earlier
// request if there is one, else a new one. Waking a goroutine costs less
// than starting one, and its stack has already grown to what the handler
// needed: a new goroutine's stack grows, and is copied, while net/http's
// ServeMux matches the route (about 43,000 instructions a request).
func goServe(job *sinkP3) {
	select {
	case serveJobs <- job:
	default:
		go server(job)
	}
}

var (
	serveJobs   = make(chan *sinkP3)
	idleServers atomic.Int32
)

// maxIdleServers bounds the goroutines kept waiting for the next request.
const maxIdleServers = 64

// server runs job, then those goServe hands it, until enough other
// servers wait.
func server(job *sinkP3) {
	for {
		job.serve()
		if idleServers.Add(1) > maxIdleServers {
			idleServers.Add(-1)
			return
		}
		job = <-serveJobs
		idleServers.Add(-1)
	}
}
