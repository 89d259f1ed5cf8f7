"""The REST gateway: MEF's documented HTTP API on :30035, generated from the annotations.

How it works
  * `routes`: the route table is built at start-up from the `google.api.http` annotations of
    the north services' descriptors (main rule and additional bindings, `{var}` templates).
    There is no per-route code: an annotated RPC is served as soon as its service is.
  * `codec`: fills the request message from path variables, query parameters and the JSON body
    (`body: "*"` or one field, e.g. the bare JSON array of the pod batch-delete), and renders
    responses with MEF's JSON conventions (rules in its docstring).
  * `envelope`: MEF's `{"status","msg","data"}` envelope and the error mapping (table in its
    docstring), including the batch-result rule.
  * `server`: the HTTPS server (aiohttp's low-level server on an asyncio TLS listener): only
    GET/POST/PATCH, 1025 KB bodies, per-client rate and connection limits, `/openapi.json`.
  * `tls`: mandatory client certificates chaining to the imported north root, reloaded live,
    honouring the north CRL.
  * `inprocess`: how the gateway reaches the servicers inside `mef-center run`: the north
    handlers called in-process (same servicers, same error mapping), no HTTP/2 hop.
  * `local`: the center's private unix socket, for a gateway run alone on the center's host.
  * `python -m gateway`: the gateway alone, towards a local socket or a remote center.
"""
