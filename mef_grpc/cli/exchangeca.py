"""`mef-center exchangeca`: export the MEF north root and import the ISV root, as MEF does.

Every check runs before anything is written, so a refused call changes nothing on disk.
Outputs and return codes are MEF's: `exchange certs successful` / `exchange certs failed`,
0 on success, 4 while the PKI does not exist yet, 1 for any refused input.
"""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path

from mef_grpc.fsutil import write_new_file
from mef_grpc.pki.center_pki import CenterPki
from mef_grpc.pki.checks import CertCheckError, check_ca_pem
from mef_grpc.pki.paths import PathCheckError, check_export_path, read_import_file

RC_OK = 0
RC_INVALID = 1
RC_NO_PKI = 4
SUCCESS_LINE = "exchange certs successful"
FAILED_LINE = "exchange certs failed"
NO_PKI_LINE = "the root ca has not yet generated, please start cert manager first"


def _fail(reason: str, code: int = RC_INVALID) -> int:
    print(reason, file=sys.stderr)
    print(FAILED_LINE)
    return code


def exchange_ca(data_dir: Path, export_path: str, import_path: str) -> int:
    pki = CenterPki(data_dir)
    if not pki.exists():
        return _fail(NO_PKI_LINE, RC_NO_PKI)
    try:
        export_file = check_export_path(export_path)
    except PathCheckError as exc:
        return _fail(f"export_path: {exc.reason}")
    try:
        pem = read_import_file(import_path)
        check_ca_pem(pem)
    except PathCheckError as exc:
        return _fail(f"import_path: {exc.reason}")
    except CertCheckError as exc:
        return _fail(f"import_path: {exc.reason}")
    try:
        write_new_file(export_file, pki.ca_cert_pem("north_ca"), 0o644)
    except OSError as exc:
        return _fail(f"export_path: cannot write {export_path}: {exc.strerror}")
    try:
        pki.install_imported("north", pem)
    except OSError as exc:
        # Leave no half-done exchange behind: the export is undone when the import fails.
        with contextlib.suppress(OSError):
            export_file.unlink()
        return _fail(f"cannot store the imported root: {exc.strerror}")
    print(SUCCESS_LINE)
    return RC_OK
