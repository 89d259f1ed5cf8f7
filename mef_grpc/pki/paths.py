"""MEF's rules for file paths given on the command line.

MEF applies one set of rules to every path parameter of ``run.sh``
(``exchangeca -export_path/-import_path``, ``importcrl -crl_path`` ...):
absolute, no symlinks anywhere, shorter than 4096 characters, fewer than
99 levels, owned by root and not writable by group or others, files at
most 1 MB.  They exist because these commands run as root and read or
write trust material: a path another user can redirect (a symlink, a
writable directory) would let that user plant a root CA or overwrite a
file of their choice.

The owner check compares against :func:`expected_owner_uid`, looked up at
call time so tests can substitute another uid.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

__all__ = [
    "MAX_DEPTH",
    "MAX_FILE_SIZE",
    "MAX_PATH_LEN",
    "PathCheckError",
    "check_export_path",
    "check_import_file",
    "expected_owner_uid",
    "read_import_file",
]

MAX_PATH_LEN = 4096  # exclusive
MAX_DEPTH = 99  # exclusive, counted in components below "/"
MAX_FILE_SIZE = 1024 * 1024


class PathCheckError(ValueError):
    """A path that MEF's rules refuse."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def expected_owner_uid() -> int:
    """The uid that must own imported files and export directories (root)."""
    return 0


def _check_shape(path: str) -> Path:
    """Rules on the string alone, before touching the file system."""
    if not path:
        raise PathCheckError("path is empty")
    if "\0" in path:
        raise PathCheckError("path contains a NUL character")
    if len(path) >= MAX_PATH_LEN:
        raise PathCheckError(f"path is {len(path)} characters long, it must be shorter than {MAX_PATH_LEN}")
    if not os.path.isabs(path):
        raise PathCheckError(f"path {path!r} is not absolute")
    # Refusing '.', '..', '//' and a trailing '/' keeps what the operator typed
    # identical to what gets checked: '..' after a symlinked component would
    # otherwise resolve somewhere the component-by-component check never saw.
    if os.path.normpath(path) != path:
        raise PathCheckError(f"path {path!r} is not normalised (no '.', '..', '//' or trailing '/')")
    p = Path(path)
    depth = len(p.parts) - 1
    if depth >= MAX_DEPTH:
        raise PathCheckError(f"path is {depth} levels deep, it must be fewer than {MAX_DEPTH}")
    if depth == 0:
        raise PathCheckError("path must name a file, not '/'")
    return p


def _check_no_symlink(p: Path, *, include_last: bool) -> None:
    """Refuse a symlink in any existing component of ``p``.

    Components that do not exist are skipped; the callers decide whether a
    missing component is an error and say so with a better reason.
    """
    parts = p.parts
    upto = len(parts) if include_last else len(parts) - 1
    cur = Path(parts[0])
    for name in parts[1:upto]:
        cur = cur / name
        try:
            st = os.lstat(cur)
        except FileNotFoundError:
            return
        except NotADirectoryError:
            raise PathCheckError(f"{str(cur.parent)!r} is not a directory") from None
        if stat.S_ISLNK(st.st_mode):
            raise PathCheckError(f"{str(cur)!r} is a symbolic link, symbolic links are not allowed")


def _check_owner_mode(st: os.stat_result, what: str) -> None:
    uid = expected_owner_uid()
    if st.st_uid != uid:
        raise PathCheckError(f"{what} is owned by uid {st.st_uid}, it must be owned by uid {uid} (root)")
    if st.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        raise PathCheckError(
            f"{what} has mode {stat.S_IMODE(st.st_mode):04o}, it must not be writable by group or others"
        )


def check_export_path(path: str) -> Path:
    """Check a file path MEF is about to create (e.g. ``-export_path``).

    The file must not exist yet; its parent must be an existing directory,
    owned by root and not group/other-writable, reached without symlinks.
    """
    p = _check_shape(path)
    _check_no_symlink(p, include_last=True)
    if os.path.lexists(p):
        raise PathCheckError(f"{path!r} already exists, give the path of a new file")
    parent = p.parent
    try:
        st = os.lstat(parent)
    except (FileNotFoundError, NotADirectoryError):
        raise PathCheckError(f"directory {str(parent)!r} does not exist") from None
    if not stat.S_ISDIR(st.st_mode):
        raise PathCheckError(f"{str(parent)!r} is not a directory")
    _check_owner_mode(st, f"directory {str(parent)!r}")
    return p


def _check_import_stat(p: Path, st: os.stat_result, max_size: int) -> None:
    if stat.S_ISDIR(st.st_mode):
        raise PathCheckError(f"{str(p)!r} is a directory, a file is required")
    if not stat.S_ISREG(st.st_mode):
        raise PathCheckError(f"{str(p)!r} is not a regular file")
    _check_owner_mode(st, f"file {str(p)!r}")
    if st.st_size > max_size:
        raise PathCheckError(f"file {str(p)!r} is {st.st_size} bytes, at most {max_size} bytes allowed")
    if st.st_size == 0:
        raise PathCheckError(f"file {str(p)!r} is empty")


def check_import_file(path: str, *, max_size: int = MAX_FILE_SIZE) -> Path:
    """Check a file MEF is about to read (e.g. ``-import_path``, ``-crl_path``).

    It must exist, be a regular non-empty file of at most ``max_size``
    bytes, owned by root, not group/other-writable, and be reached without
    any symlink (itself included).
    """
    p = _check_shape(path)
    _check_no_symlink(p, include_last=True)
    try:
        st = os.lstat(p)
    except (FileNotFoundError, NotADirectoryError):
        raise PathCheckError(f"file {path!r} does not exist") from None
    _check_import_stat(p, st, max_size)
    return p


def read_import_file(path: str, *, max_size: int = MAX_FILE_SIZE) -> bytes:
    """:func:`check_import_file`, then read the file without a race.

    The file is opened with ``O_NOFOLLOW`` and re-checked through the open
    descriptor, so swapping it for a symlink or another file between the
    check and the read cannot make us read something unchecked.
    """
    p = check_import_file(path, max_size=max_size)
    try:
        fd = os.open(p, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC | os.O_NONBLOCK)
    except OSError as e:
        raise PathCheckError(f"file {path!r} cannot be opened: {e.strerror}") from e
    with os.fdopen(fd, "rb") as f:
        _check_import_stat(p, os.fstat(f.fileno()), max_size)
        # Read one byte more than allowed so growth after fstat is caught too.
        data = f.read(max_size + 1)
    if len(data) > max_size:
        raise PathCheckError(f"file {path!r} grew beyond {max_size} bytes while being read")
    return data
