// The Go peer's contender of the HTTP rows (wit-bindgen's Go generator):
// the same two routes as bench/guests/rust-http, written against the
// peer's raw wasi:http@0.3.0 bindings (it has no net/http). `/echo`
// streams the request body back; anything else answers `hello\n`.
// bench/run copies it over the generated export stub.
package export_wasi_http_handler

import (
	"strings"

	witTypes "go.bytecodealliance.org/pkg/wit/types"
	"wit_component/wasi_http_types"
)

const chunk = 64 * 1024

func Handle(request *wasi_http_types.Request) witTypes.Result[*wasi_http_types.Response, wasi_http_types.ErrorCode] {
	path := request.GetPathWithQuery().SomeOr("")
	headers := wasi_http_types.MakeFields()
	headers.Set("content-type", [][]uint8{[]byte("text/plain")})
	bodyW, bodyR := wasi_http_types.MakeStreamU8()
	trailersW, trailersR := wasi_http_types.MakeFutureResultOptionFieldsErrorCode()
	response, sent := wasi_http_types.ResponseNew(headers, witTypes.Some(bodyR), trailersR)
	sent.Drop()
	noTrailers := witTypes.Ok[witTypes.Option[*wasi_http_types.Fields], wasi_http_types.ErrorCode](
		witTypes.None[*wasi_http_types.Fields]())
	if strings.HasPrefix(path, "/echo") {
		doneW, doneR := wasi_http_types.MakeFutureResultUnitErrorCode()
		body, requestTrailers := wasi_http_types.RequestConsumeBody(request, doneR)
		go func() {
			buf := make([]byte, chunk)
			for !body.WriterDropped() {
				n := body.Read(buf)
				if n > 0 && bodyW.WriteAll(buf[:n]) < n {
					break
				}
			}
			body.Drop()
			requestTrailers.Drop()
			bodyW.Drop()
			trailersW.Write(noTrailers)
			doneW.Write(witTypes.Ok[witTypes.Unit, wasi_http_types.ErrorCode](witTypes.Unit{}))
		}()
	} else {
		request.Drop()
		go func() {
			bodyW.WriteAll([]byte("hello\n"))
			bodyW.Drop()
			trailersW.Write(noTrailers)
		}()
	}
	return witTypes.Ok[*wasi_http_types.Response, wasi_http_types.ErrorCode](response)
}
