"""`python -m gateway`: the REST gateway alone, in front of a local or remote center.

Towards a center on this host, `--data-dir DIR` is enough: the gateway calls the servicers on the
center's private unix socket and takes its HTTPS identity and client trust (north root + CRL)
from the center's PKI, exactly as inside `mef-center run`.

Towards a remote center, `--center HOST:PORT` is its north gRPC port (mutual TLS): `--center-ca`
is the MEF north root (what `exchangeca -export_path` wrote) and `--center-cert/--center-key` a
client certificate issued under the ISV root the center imported. The HTTPS side needs
`--cert/--key` (the gateway's server certificate) and `--client-ca` (the roots REST clients must
chain to; re-read when it changes) with an optional `--crl`. `--center unix:PATH` uses a unix
socket without TLS.

Prints `gateway listening on HOST:PORT` once it serves, and runs until SIGINT/SIGTERM.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal
import sys
from pathlib import Path

import grpc

from gateway.local import center_tls_files, read_pointer, socket_channel
from gateway.server import CHANNEL_OPTIONS, Gateway, GatewaySettings, north_services
from gateway.tls import ServerTls, TlsFiles


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m gateway", description="MEF north REST gateway")
    p.add_argument("--center", help="HOST:PORT of the north gRPC port, or unix:PATH")
    p.add_argument("--data-dir", type=Path, help="a center data dir on this host (socket, certificates, trust)")
    p.add_argument("--center-ca", type=Path, help="root that signed the center's north certificate (PEM)")
    p.add_argument("--center-cert", type=Path, help="client certificate towards the center (PEM)")
    p.add_argument("--center-key", type=Path, help="its private key (PEM)")
    p.add_argument("--cert", type=Path, help="HTTPS server certificate chain (PEM)")
    p.add_argument("--key", type=Path, help="HTTPS server private key (PEM)")
    p.add_argument("--client-ca", type=Path, help="roots REST clients must chain to (PEM, reloaded on change)")
    p.add_argument("--crl", type=Path, help="CRL of the client roots (PEM, reloaded on change)")
    p.add_argument("--listen", default="0.0.0.0")
    p.add_argument("--port", type=int, default=30035, help="HTTPS port (0 = any free port)")
    p.add_argument("--rate-limit", type=float, default=10.0, help="requests/s per client address, 0 = off")
    p.add_argument("--burst", type=int, default=5)
    p.add_argument("--max-conns-per-client", type=int, default=5)
    p.add_argument("--log-level", default="INFO")
    return p


def _channel_factory(ns: argparse.Namespace) -> tuple[str, object]:
    target = ns.center
    if target is None and ns.data_dir is not None:
        target = read_pointer(ns.data_dir / "run")
        if target is None:
            raise SystemExit(f"no running center found in {ns.data_dir} (run/north.socket missing)")
    if target is None:
        raise SystemExit("give --center ADDR or --data-dir DIR")
    if target.startswith("unix:"):
        return target, lambda: socket_channel(target)
    if not (ns.center_ca and ns.center_cert and ns.center_key):
        raise SystemExit("--center HOST:PORT needs --center-ca, --center-cert and --center-key")
    creds = grpc.ssl_channel_credentials(
        root_certificates=ns.center_ca.read_bytes(),
        private_key=ns.center_key.read_bytes(),
        certificate_chain=ns.center_cert.read_bytes(),
    )
    return target, lambda: grpc.aio.secure_channel(target, creds, options=CHANNEL_OPTIONS)


def _tls_files(ns: argparse.Namespace) -> TlsFiles:
    if ns.cert and ns.key and ns.client_ca:
        return TlsFiles(cert=ns.cert, key=ns.key, client_roots=ns.client_ca, crl=ns.crl)
    if ns.data_dir is not None:
        return center_tls_files(ns.data_dir / "pki")
    raise SystemExit("give --cert, --key and --client-ca (or --data-dir of a center on this host)")


async def _run(ns: argparse.Namespace) -> None:
    target, factory = _channel_factory(ns)
    settings = GatewaySettings(
        listen=ns.listen, port=ns.port, rate_limit=ns.rate_limit, burst=ns.burst,
        max_conns_per_client=ns.max_conns_per_client,
    )
    gw = Gateway(north_services(), ServerTls(_tls_files(ns)), factory, settings)  # type: ignore[arg-type]
    port = await gw.start()
    print(f"gateway listening on {ns.listen}:{port} (center {target})", flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    await gw.stop()


def main(argv: list[str] | None = None) -> int:
    ns = build_parser().parse_args(argv)
    from mef_grpc import logs

    logs.configure(ns.log_level)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_run(ns))
    return 0


if __name__ == "__main__":
    sys.exit(main())
