"""Pieces shared by the `mef-center` and `mef-edge` command lines."""

from __future__ import annotations

import argparse
import sys
from typing import NoReturn


class CliError(Exception):
    """A command failed: `message` goes to stderr as one line, `code` is the exit status."""

    def __init__(self, message: str, code: int = 1) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


class Parser(argparse.ArgumentParser):
    """argparse that fails with one line on stderr and exit code 2, as every command must."""

    def error(self, message: str) -> NoReturn:
        print(f"{self.prog}: {message}", file=sys.stderr)
        raise SystemExit(2)


def mef_option(parser: argparse.ArgumentParser, name: str, **kwargs: object) -> None:
    """Accept MEF's spellings: `-name=value`, `--name=value`, `-name value`, `--name value`."""
    parser.add_argument(f"-{name}", f"--{name}", dest=name, **kwargs)  # type: ignore[arg-type]


def new_parser(prog: str, description: str) -> Parser:
    return Parser(prog=prog, description=description, allow_abbrev=False)
