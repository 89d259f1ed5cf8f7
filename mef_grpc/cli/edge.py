"""`mef-edge`: the edge agent's command line (DESIGN.md section 6).

The agent itself (netconfig, run, start/stop) arrives with the edge-link work; until then every
command says so and exits non-zero rather than pretending to succeed.
"""

from __future__ import annotations

import sys
from pathlib import Path

from mef_grpc.cli.common import new_parser

COMMANDS = ("netconfig", "run", "start", "stop", "restart", "domainconfig", "alarmconfig", "getalarmconfig")


def main(argv: list[str] | None = None) -> int:
    parser = new_parser("mef-edge", "MEF gRPC edge agent")
    parser.add_argument("--data-dir", type=Path, default=None)
    parser.add_argument("command", choices=COMMANDS)
    ns, _rest = parser.parse_known_args(argv)
    print(f"mef-edge {ns.command}: not implemented in this version", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
