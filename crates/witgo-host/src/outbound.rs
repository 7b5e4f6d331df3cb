//! The host's policy for the guest's outgoing HTTP requests
//! (`wasi:http/client@0.3`, `wasi:http/outgoing-handler@0.2`).

use http_body_util::BodyExt;
use wasmtime_wasi_http::{Error, RequestOptions, WasiBody, WasiHttpHooks};

/// Sends guest requests with Wasmtime's default client, or refuses them all
/// with `error-code.http-request-denied` (a clear error in the guest, never a
/// trap) when outbound HTTP is denied.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct OutboundHttp {
    pub(crate) deny: bool,
}

type ResponseIo = Box<dyn Future<Output = Result<(), Error>> + Send>;

impl WasiHttpHooks for OutboundHttp {
    fn send_request(
        &mut self,
        request: hyper::Request<WasiBody>,
        options: Option<RequestOptions>,
        fut: Box<dyn Future<Output = Result<(), Error>> + Send>,
    ) -> Box<
        dyn Future<Output = wasmtime_wasi_http::Result<(hyper::Response<WasiBody>, ResponseIo)>>
            + Send,
    > {
        drop(fut);
        let deny = self.deny;
        Box::new(async move {
            if deny {
                return Err(Error::HttpRequestDenied);
            }
            let (response, io) = wasmtime_wasi_http::default_send_request(request, options).await?;
            Ok((
                response.map(BodyExt::boxed_unsync),
                Box::new(io) as ResponseIo,
            ))
        })
    }
}
