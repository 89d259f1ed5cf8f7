"""`make bench`: run each benchmark in turn; each prints its own figures.

`python -m bench NAME...` runs only the named ones.
"""

from __future__ import annotations

import importlib
import sys

BENCHMARKS = [
    "bench.rest_vs_grpc",
    "bench.core_rpc",
    "bench.edge_agents",
]


def main(argv: list[str]) -> None:
    chosen = [f"bench.{name}" for name in argv] or BENCHMARKS
    for module in chosen:
        print(f"== {module}", flush=True)
        importlib.import_module(module).main()


if __name__ == "__main__":
    main(sys.argv[1:])
