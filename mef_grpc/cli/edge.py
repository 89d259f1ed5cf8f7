"""`mef-edge`: the edge agent's command line (DESIGN.md section 6, mef-api.md section 8).

    mef-edge [--data-dir DIR] netconfig -root_ca=FILE -ip=IPv4 [-port=30003] [-auth_port=30004]
             [-net_type=MEF] [-test_connect=true] [-sn=SERIAL]
    mef-edge [--data-dir DIR] run | start | stop | restart
    mef-edge domainconfig -domain=D -ip=IPv4
    mef-edge alarmconfig [-cert_threshold=D] [-cert_period=D] | getalarmconfig
    mef-edge -version

Successes print MEF's `Execute [CMD] command success!`; failures print one line on stderr and
exit non-zero. The token is read from standard input after the prompt, never from argv.
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import json
import os
import signal
import sys
from pathlib import Path

from mef_grpc import __version__
from mef_grpc.cli.common import CliError, mef_option, new_parser
from mef_grpc.edge.home import EdgeHome, default_data_dir
from mef_grpc.fsutil import atomic_write, ensure_private_dir

TOKEN_PROMPT = "Please enter token:"
MAX_TOKEN_LEN = 256
ALARM_DEFAULTS = {"cert_threshold": 90, "cert_period": 7}


def success(command: str) -> int:
    print(f"Execute [{command}] command success!", flush=True)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = new_parser("mef-edge", "MEF gRPC edge agent")
    parser.add_argument("--data-dir", type=Path, default=None, help="default $MEF_EDGE_HOME or ~/.mef-edge")
    mef_option(parser, "version", action="store_true", help="print the installed version")
    sub = parser.add_subparsers(dest="command")

    net = sub.add_parser("netconfig", help="connect this edge to MEF Center (asks for the token)", allow_abbrev=False)
    mef_option(net, "root_ca", help="absolute path of the MEF Center root (hub_svr) certificate")
    mef_option(net, "ip", help="IPv4 address of MEF Center")
    mef_option(net, "port", help="MEF Center edge port (default 30003)")
    mef_option(net, "auth_port", help="MEF Center authentication port (default 30004)")
    mef_option(net, "net_type", help="network management mode, MEF")
    mef_option(net, "test_connect", help="check the token before enrolling (default true)")
    mef_option(net, "sn", help="serial number of this device (default: the machine's)")

    for name, text in (
        ("run", "run the agent in the foreground"),
        ("start", "start the agent in the background"),
        ("stop", "stop the background agent"),
        ("restart", "restart the background agent"),
        ("getalarmconfig", "print the certificate alarm configuration"),
    ):
        sub.add_parser(name, help=text, allow_abbrev=False)

    dom = sub.add_parser("domainconfig", help="map the image registry domain to an IP", allow_abbrev=False)
    mef_option(dom, "domain", required=True)
    mef_option(dom, "ip", required=True)

    alarm = sub.add_parser("alarmconfig", help="configure the certificate expiry alarm", allow_abbrev=False)
    mef_option(alarm, "cert_threshold", type=int, default=None, help="days before expiry, 7..180 (default 90)")
    mef_option(alarm, "cert_period", type=int, default=None, help="days between checks, 1..threshold-3 (default 7)")
    return parser


def read_token() -> str:
    if sys.stdin.isatty():
        token = getpass.getpass(TOKEN_PROMPT + " ")
    else:
        print(TOKEN_PROMPT, flush=True)
        token = sys.stdin.readline()
    token = token.strip()
    if not token:
        raise CliError("no token entered")
    if len(token) > MAX_TOKEN_LEN or not token.isprintable():
        raise CliError("the token is not valid")
    return token


def cmd_netconfig(home: EdgeHome, ns: argparse.Namespace) -> int:
    from mef_grpc.edge import netconfig as nc

    try:
        params = nc.check_params(
            root_ca=ns.root_ca, ip=ns.ip, port=ns.port, auth_port=ns.auth_port, net_type=ns.net_type,
            test_connect=ns.test_connect, sn=ns.sn,
        )
        root_pem = nc.read_root_ca(params.root_ca)
    except (nc.NetconfigError, ValueError) as exc:
        raise CliError(f"Execute [netconfig] command failed: {getattr(exc, 'reason', exc)}") from exc
    token = read_token()
    try:
        nc.netconfig(home, params, root_pem, token)
    except nc.NetconfigError as exc:
        raise CliError(f"Execute [netconfig] command failed: {exc.reason}") from exc
    return success("netconfig")


def cmd_run(home: EdgeHome) -> int:
    from mef_grpc import logs
    from mef_grpc.edge import daemon

    enrolment = home.load_enrolment()
    if enrolment is None:
        raise CliError("the edge is not configured, run netconfig first")
    logs.configure(os.environ.get("MEF_LOG_LEVEL", "INFO"))
    daemon.write_pid(home, os.getpid())
    try:
        outcome = asyncio.run(_run_agent(home))
    finally:
        daemon.remove_pid(home, os.getpid())
    if outcome == "deleted":
        print("the node was deleted from MEF Center: enrolment cleared, run netconfig again", file=sys.stderr)
    return 0


async def _run_agent(home: EdgeHome) -> str:
    from mef_grpc.edge import sysinfo
    from mef_grpc.edge.agent import Agent, AgentSettings, Identity
    from mef_grpc.edge.runtime import NoopRuntimeDriver

    enrolment = home.load_enrolment()
    if enrolment is None:
        raise CliError("the edge is not configured, run netconfig first")
    config = enrolment.config
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    identity = Identity(config.sn, config.hub_target, enrolment.root_pem, enrolment.cert_pem, enrolment.key_pem)
    agent = Agent(
        identity, home, NoopRuntimeDriver(), AgentSettings.from_env(),
        ip=sysinfo.outbound_ip(config.center_ip, config.port),
        on_deleted=lambda: home.clear_enrolment(enrolment.cert_pem),
    )
    return await agent.run(stop)


def cmd_start(home: EdgeHome, command: str) -> int:
    from mef_grpc.edge import daemon

    try:
        if command == "restart":
            daemon.stop(home)
        daemon.start(home)
    except daemon.DaemonError as exc:
        raise CliError(f"Execute [{command}] command failed: {exc.reason}") from exc
    return success(command)


def cmd_stop(home: EdgeHome) -> int:
    from mef_grpc.edge import daemon

    daemon.stop(home)
    return success("stop")


def cmd_domainconfig(ns: argparse.Namespace) -> int:
    from mef_grpc.edge import hosts

    try:
        domain, ip = hosts.check_domain(ns.domain), hosts.check_ip(ns.ip)
        hosts.set_mapping(hosts.hosts_path(), domain, ip)
    except hosts.HostsError as exc:
        raise CliError(f"Execute [domainconfig] command failed: {exc.reason}") from exc
    except OSError as exc:
        raise CliError(f"Execute [domainconfig] command failed: {exc.strerror}: {exc.filename}") from exc
    return success("domainconfig")


def _alarm_path(home: EdgeHome) -> Path:
    return home.root / "alarm.json"


def load_alarm_config(home: EdgeHome) -> dict[str, int]:
    try:
        data = json.loads(_alarm_path(home).read_text())
        return {k: int(data[k]) for k in ALARM_DEFAULTS}
    except (FileNotFoundError, ValueError, KeyError, TypeError):
        return dict(ALARM_DEFAULTS)


def cmd_alarmconfig(home: EdgeHome, ns: argparse.Namespace) -> int:
    current = load_alarm_config(home)
    threshold = ns.cert_threshold if ns.cert_threshold is not None else current["cert_threshold"]
    period = ns.cert_period if ns.cert_period is not None else current["cert_period"]
    if not 7 <= threshold <= 180:
        raise CliError("Execute [alarmconfig] command failed: -cert_threshold must be 7..180 days")
    if not 1 <= period <= threshold - 3:
        raise CliError(f"Execute [alarmconfig] command failed: -cert_period must be 1..{threshold - 3} days")
    ensure_private_dir(home.root)
    body = json.dumps({"cert_threshold": threshold, "cert_period": period}).encode()
    atomic_write(_alarm_path(home), body, 0o600)
    return success("alarmconfig")


def cmd_getalarmconfig(home: EdgeHome) -> int:
    config = load_alarm_config(home)
    print(f"cert_threshold: {config['cert_threshold']}")
    print(f"cert_period: {config['cert_period']}")
    return success("getalarmconfig")


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    ns = parser.parse_args(argv)
    if ns.version:
        print(__version__)
        return 0
    if ns.command is None:
        parser.print_usage(sys.stderr)
        return 2
    home = EdgeHome(ns.data_dir or default_data_dir())
    try:
        if ns.command == "netconfig":
            return cmd_netconfig(home, ns)
        if ns.command == "run":
            return cmd_run(home)
        if ns.command in ("start", "restart"):
            return cmd_start(home, ns.command)
        if ns.command == "stop":
            return cmd_stop(home)
        if ns.command == "domainconfig":
            return cmd_domainconfig(ns)
        if ns.command == "alarmconfig":
            return cmd_alarmconfig(home, ns)
        if ns.command == "getalarmconfig":
            return cmd_getalarmconfig(home)
    except CliError as exc:
        print(exc.message, file=sys.stderr)
        return exc.code
    except KeyboardInterrupt:
        return 130
    raise AssertionError(f"unhandled command {ns.command}")


if __name__ == "__main__":
    sys.exit(main())
