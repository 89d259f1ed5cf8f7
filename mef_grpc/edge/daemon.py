"""`mef-edge start|stop|restart`: the agent in the background, found again by its pid file."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time

from mef_grpc.edge.home import EdgeHome
from mef_grpc.fsutil import atomic_write, ensure_private_dir

START_CHECK_SECONDS = 1.0
STOP_TIMEOUT = 10.0


class DaemonError(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _is_agent(pid: int) -> bool:
    """The process exists and is a `mef-edge ... run` (not a recycled pid)."""
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            args = f.read().split(b"\0")
    except OSError:
        return False
    joined = b" ".join(args)
    return b"run" in args and (b"mef_grpc.cli.edge" in joined or b"mef-edge" in joined)


def running_pid(home: EdgeHome) -> int | None:
    try:
        pid = int(home.pid_path.read_text().strip())
    except (FileNotFoundError, ValueError):
        return None
    return pid if _is_agent(pid) else None


def write_pid(home: EdgeHome, pid: int) -> None:
    ensure_private_dir(home.root)
    ensure_private_dir(home.run_dir)
    atomic_write(home.pid_path, f"{pid}\n".encode(), 0o600)


def remove_pid(home: EdgeHome, pid: int) -> None:
    with contextlib.suppress(FileNotFoundError, ValueError):
        if int(home.pid_path.read_text().strip()) == pid:
            home.pid_path.unlink()


def start(home: EdgeHome) -> int:
    """Start the agent in the background; returns its pid (the running one if already up)."""
    pid = running_pid(home)
    if pid is not None:
        return pid
    if home.load_enrolment() is None:
        raise DaemonError("the edge is not configured, run netconfig first")
    ensure_private_dir(home.log_dir)
    args = [sys.executable, "-m", "mef_grpc.cli.edge", "--data-dir", str(home.root), "run"]
    fd = os.open(home.log_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    try:
        proc = subprocess.Popen(
            args, stdin=subprocess.DEVNULL, stdout=fd, stderr=fd, start_new_session=True, close_fds=True
        )
    finally:
        os.close(fd)
    write_pid(home, proc.pid)
    deadline = time.monotonic() + START_CHECK_SECONDS
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            remove_pid(home, proc.pid)
            raise DaemonError(f"the agent exited at once with code {proc.returncode}, see {home.log_path}")
        time.sleep(0.05)
    return proc.pid


def stop(home: EdgeHome) -> bool:
    """Stop the background agent; False when none was running."""
    pid = running_pid(home)
    if pid is None:
        with contextlib.suppress(FileNotFoundError):
            home.pid_path.unlink()
        return False
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + STOP_TIMEOUT
    while time.monotonic() < deadline and _alive(pid):
        time.sleep(0.05)
    if _alive(pid):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    remove_pid(home, pid)
    return True


def _alive(pid: int) -> bool:
    # The agent is our grandchild's sibling at best, never our child: no zombie to reap here,
    # but a zombie still shows in /proc, so look at its state.
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(")")[-1].split()[0] != "Z"
    except OSError:
        return False
