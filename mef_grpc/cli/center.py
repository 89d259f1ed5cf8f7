"""`mef-center`: run the center and its operator commands (DESIGN.md section 6)."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from pathlib import Path

from mef_grpc.center import config as cfg
from mef_grpc.cli import alarmconfig
from mef_grpc.cli.common import CliError, mef_option, new_parser
from mef_grpc.cli.exchangeca import exchange_ca


def build_parser() -> argparse.ArgumentParser:
    parser = new_parser("mef-center", "MEF gRPC center")
    parser.add_argument("--data-dir", type=Path, default=None, help="default $MEF_CENTER_HOME or ~/.mef-center")
    sub = parser.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="run the center in the foreground", allow_abbrev=False)
    run.add_argument("--listen", default=None, help="listen address (default 0.0.0.0, $MEF_LISTEN)")
    run.add_argument("--rest-port", type=int, default=None)
    run.add_argument("--grpc-port", type=int, default=None)
    run.add_argument("--edge-port", type=int, default=None)
    run.add_argument("--auth-port", type=int, default=None)
    run.add_argument("--store", default=None, help="sqlite:PATH (default) or postgresql://...")
    run.add_argument("--rest-rate-limit", type=float, default=None, help="REST req/s per client, 0 = off")
    run.add_argument("--log-level", default="INFO")

    exch = sub.add_parser("exchangeca", help="export the MEF north root, import the ISV root", allow_abbrev=False)
    mef_option(exch, "export_path", required=True, help="absolute path of a new file for the MEF root")
    mef_option(exch, "import_path", required=True, help="absolute path of the ISV root CA (PEM)")

    alarm = sub.add_parser("alarmconfig", help="set the certificate-expiry alarm config", allow_abbrev=False)
    mef_option(alarm, "cert_threshold", default=None, help="days before expiry that raise an alarm, 7..180 (90)")
    mef_option(alarm, "cert_period", default=None, help="days between checks, 1..cert_threshold-3 (7)")
    sub.add_parser("getalarmconfig", help="show the certificate-expiry alarm config", allow_abbrev=False)
    return parser


def _config(ns: argparse.Namespace, data_dir: Path) -> cfg.CenterConfig:
    return cfg.CenterConfig(
        data_dir=data_dir,
        listen=ns.listen or os.environ.get("MEF_LISTEN", "0.0.0.0"),
        rest_port=ns.rest_port if ns.rest_port is not None else cfg.env_int("MEF_REST_PORT", cfg.DEFAULT_REST_PORT),
        grpc_port=ns.grpc_port if ns.grpc_port is not None else cfg.env_int("MEF_GRPC_PORT", cfg.DEFAULT_GRPC_PORT),
        edge_port=ns.edge_port if ns.edge_port is not None else cfg.env_int("MEF_EDGE_PORT", cfg.DEFAULT_EDGE_PORT),
        auth_port=ns.auth_port if ns.auth_port is not None else cfg.env_int("MEF_AUTH_PORT", cfg.DEFAULT_AUTH_PORT),
        store_url=ns.store or os.environ.get("MEF_STORE", ""),
        rest_rate_limit=(
            ns.rest_rate_limit
            if ns.rest_rate_limit is not None
            else cfg.env_float("MEF_REST_RATE_LIMIT", cfg.DEFAULT_REST_RATE)
        ),
    )


def _run(ns: argparse.Namespace, data_dir: Path) -> int:
    from mef_grpc import logs
    from mef_grpc.center.server import serve

    config = _config(ns, data_dir)
    logs.configure(ns.log_level)
    try:
        asyncio.run(serve(config))
    except (OSError, RuntimeError) as exc:
        # Typically a port already in use (gRPC reports it as RuntimeError, asyncio as OSError).
        raise CliError(f"mef-center run: cannot start: {exc}") from None
    return 0


def main(argv: list[str] | None = None) -> int:
    ns = build_parser().parse_args(argv)
    data_dir = ns.data_dir or cfg.default_data_dir()
    try:
        if ns.command == "run":
            return _run(ns, data_dir)
        if ns.command == "exchangeca":
            return exchange_ca(data_dir, ns.export_path, ns.import_path)
        if ns.command == "alarmconfig":
            return alarmconfig.set_alarm_config(data_dir, ns.cert_threshold, ns.cert_period)
        if ns.command == "getalarmconfig":
            return alarmconfig.get_alarm_config(data_dir)
    except (CliError, cfg.ConfigError) as exc:
        print(str(exc), file=sys.stderr)
        return exc.code if isinstance(exc, CliError) else 2
    except KeyboardInterrupt:
        return 130
    raise AssertionError(f"unhandled command {ns.command}")


if __name__ == "__main__":
    sys.exit(main())
