"""`mef-center exchangeca` as an operator runs it: a real subprocess, MEF's rules, outputs and codes."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import grpc
import pytest
from cryptography import x509

from mef.v1 import system_pb2, system_pb2_grpc
from mef_grpc.pki.center_pki import CenterPki
from tests.certmint import Issued, make_ca, pem
from tests.conftest import CenterProcess, run_cli

NOW = dt.datetime.now(dt.UTC)


@pytest.fixture
def pki_dir(tmp_path: Path) -> Path:
    data = tmp_path / "center"
    CenterPki(data).bootstrap()
    return data


def snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def exchange(data: Path, *args: str) -> tuple[int, str, str]:
    result = run_cli("mef-center", "--data-dir", str(data), "exchangeca", *args)
    return result.returncode, result.stdout, result.stderr


def write(path: Path, data: bytes, mode: int = 0o644) -> Path:
    path.write_bytes(data)
    os.chmod(path, mode)
    return path


def test_success_exports_root_and_imports_isv_root(pki_dir: Path, tmp_path: Path, isv_root: Issued) -> None:
    src = write(tmp_path / "isv.crt", isv_root.cert_pem())
    out = tmp_path / "mef_root.crt"
    rc, stdout, _ = exchange(pki_dir, f"-export_path={out}", f"-import_path={src}")
    assert rc == 0 and "exchange certs successful" in stdout
    pki = CenterPki(pki_dir)
    assert out.read_bytes() == pki.ca_cert_pem("north_ca")
    assert pki.imported_pem("north") == isv_root.cert_pem()
    assert not (out.stat().st_mode & 0o022)


@pytest.mark.parametrize("style", ["--{k}={v}", "-{k} {v}", "--{k} {v}"])
def test_accepts_mef_argument_spellings(pki_dir: Path, tmp_path: Path, isv_root: Issued, style: str) -> None:
    src = write(tmp_path / "isv.crt", isv_root.cert_pem())
    out = tmp_path / "mef_root.crt"
    args = style.format(k="export_path", v=out).split(" ") + style.format(k="import_path", v=src).split(" ")
    rc, stdout, _ = exchange(pki_dir, *args)
    assert rc == 0, stdout


def test_reimport_backs_up_previous_root(pki_dir: Path, tmp_path: Path, isv_root: Issued) -> None:
    first = write(tmp_path / "a.crt", isv_root.cert_pem())
    second_root = make_ca("Second ISV Root", key="ec384", hash="sha384")
    second = write(tmp_path / "b.crt", second_root.cert_pem())
    assert exchange(pki_dir, f"-export_path={tmp_path / 'e1.crt'}", f"-import_path={first}")[0] == 0
    assert exchange(pki_dir, f"-export_path={tmp_path / 'e2.crt'}", f"-import_path={second}")[0] == 0
    pki = CenterPki(pki_dir)
    assert pki.imported_pem("north") == second_root.cert_pem()
    assert pki.imported_backup_path("north").read_bytes() == isv_root.cert_pem()


def test_chain_of_ten_is_accepted(pki_dir: Path, tmp_path: Path) -> None:
    ca = make_ca("L0", key="ec256")
    for level in range(1, 10):
        ca = make_ca(f"L{level}", key="ec256", issuer=ca)
    src = write(tmp_path / "chain.crt", ca.chain_pem())
    rc, _stdout, stderr = exchange(pki_dir, f"-export_path={tmp_path / 'out.crt'}", f"-import_path={src}")
    assert rc == 0, stderr


def test_refused_while_pki_does_not_exist(tmp_path: Path, isv_root: Issued) -> None:
    src = write(tmp_path / "isv.crt", isv_root.cert_pem())
    out = tmp_path / "out.crt"
    rc, stdout, stderr = exchange(tmp_path / "nothing", f"-export_path={out}", f"-import_path={src}")
    assert rc == 4
    assert "the root ca has not yet generated, please start cert manager first" in stderr
    assert "exchange certs failed" in stdout
    assert not out.exists()


def _bad_inputs(tmp_path: Path) -> dict[str, tuple[str, str, str]]:
    """name -> (export path, import path, expected fragment of the reason)."""
    good = make_ca("Fine Root", key="ec256")
    good_file = write(tmp_path / "good.crt", good.cert_pem())
    out = str(tmp_path / "out.crt")
    existing = write(tmp_path / "exists.crt", b"x")
    (tmp_path / "real").mkdir(mode=0o755)
    link = tmp_path / "link"
    link.symlink_to(tmp_path / "real")
    open_dir = tmp_path / "open"
    open_dir.mkdir()
    os.chmod(open_dir, 0o777)
    deep = "/" + "/".join(["d"] * 99) + "/out.crt"
    chain = make_ca("C0", key="ec256")
    for level in range(1, 11):
        chain = make_ca(f"C{level}", key="ec256", issuer=chain)

    def cert_file(name: str, data: bytes, mode: int = 0o644) -> str:
        return str(write(tmp_path / name, data, mode))

    return {
        "export relative": ("out.crt", str(good_file), "absolute"),
        "export exists": (str(existing), str(good_file), "exist"),
        "export too long": ("/" + "a" * 4096, str(good_file), "4096"),
        "export too deep": (deep, str(good_file), "99"),
        "export through symlink": (str(link / "out.crt"), str(good_file), "link"),
        "export dir writable by others": (str(open_dir / "out.crt"), str(good_file), "writ"),
        "import relative": (out, "good.crt", "absolute"),
        "import missing": (out, str(tmp_path / "missing.crt"), "exist"),
        "import is a directory": (out, str(tmp_path / "real"), "file"),
        "import writable by others": (out, cert_file("ow.crt", good.cert_pem(), 0o666), "writ"),
        "import over 1 MB": (out, cert_file("big.crt", good.cert_pem() + b"\n" * (1024 * 1024)), "1048576"),
        "import garbage": (out, cert_file("garbage.crt", b"not a certificate at all"), "PEM"),
        "import rsa 2048": (out, cert_file("rsa2048.crt", make_ca("R", key="rsa2048").cert_pem()), "3072"),
        "import sha1": (out, cert_file("sha1.crt", make_ca("S", key="ec256", hash="sha1").cert_pem()), "SHA"),
        "import not a CA": (out, cert_file("noca.crt", make_ca("N", key="ec256", ca=False).cert_pem()), "CA"),
        "import no keyCertSign": (
            out, cert_file("nokcs.crt", make_ca("K", key="ec256", key_cert_sign=False).cert_pem()), "keyCertSign"),
        "import expired": (out, cert_file("expired.crt", make_ca(
            "E", key="ec256", not_before=NOW - dt.timedelta(days=30), not_after=NOW - dt.timedelta(days=1)
        ).cert_pem()), "expired"),
        "import not yet valid": (out, cert_file("future.crt", make_ca(
            "F", key="ec256", not_before=NOW + dt.timedelta(days=1), not_after=NOW + dt.timedelta(days=30)
        ).cert_pem()), "not yet valid"),
        "import v1": (out, cert_file("v1.crt", make_ca("V", key="ec256", v1=True).cert_pem()), "v3"),
        "import chain of 11": (out, cert_file("chain11.crt", chain.chain_pem()), "10"),
    }


BAD_CASES = [
    "export relative", "export exists", "export too long", "export too deep", "export through symlink",
    "export dir writable by others", "import relative", "import missing", "import is a directory",
    "import writable by others", "import over 1 MB", "import garbage", "import rsa 2048", "import sha1",
    "import not a CA", "import no keyCertSign", "import expired", "import not yet valid", "import v1",
    "import chain of 11",
]


@pytest.mark.parametrize("case", BAD_CASES)
def test_bad_input_is_refused_and_changes_nothing(pki_dir: Path, tmp_path: Path, case: str) -> None:
    work = tmp_path / "work"
    work.mkdir(mode=0o755)
    export_path, import_path, fragment = _bad_inputs(work)[case]
    before_pki = snapshot(pki_dir)
    before_work = snapshot(work)
    rc, stdout, stderr = exchange(pki_dir, f"-export_path={export_path}", f"-import_path={import_path}")
    assert rc == 1
    assert "exchange certs failed" in stdout
    assert fragment.lower() in stderr.lower(), stderr
    assert len(stderr.strip().splitlines()) == 1
    assert snapshot(pki_dir) == before_pki
    assert snapshot(work) == before_work


def test_missing_parameter_is_refused(pki_dir: Path, tmp_path: Path) -> None:
    rc, _, stderr = exchange(pki_dir, f"-export_path={tmp_path / 'x.crt'}")
    assert rc != 0 and "import_path" in stderr


def test_operator_flow_against_running_center(center_process: CenterProcess, tmp_path: Path,
                                              isv_root: Issued, isv_client: Issued) -> None:
    """make run; exchangeca while it runs; the ISV calls version with the exported root."""
    center_process.start()
    src = write(tmp_path / "isv.crt", isv_root.cert_pem())
    exported = tmp_path / "mef_root.crt"
    rc, _stdout, stderr = exchange(center_process.data_dir, f"-export_path={exported}", f"-import_path={src}")
    assert rc == 0, stderr
    x509.load_pem_x509_certificate(exported.read_bytes())
    creds = grpc.ssl_channel_credentials(exported.read_bytes(), isv_client.key_pem(), isv_client.cert_pem())
    with grpc.secure_channel(f"127.0.0.1:{center_process.ports['grpc']}", creds) as channel:
        reply = system_pb2_grpc.SystemServiceStub(channel).GetVersion(system_pb2.GetVersionRequest(), timeout=10)
    assert reply.version
    assert pem  # helper module exports used elsewhere


def test_run_fails_with_one_line_when_a_port_is_taken(tmp_path: Path) -> None:
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run_cli(
            "mef-center", "--data-dir", str(tmp_path / "c"), "run", "--listen", "127.0.0.1",
            "--grpc-port", str(port), "--rest-port", "0", "--edge-port", "0", "--auth-port", "0",
        )
    assert result.returncode != 0
    # gRPC's core logs its own bind error first; the command's reason is one line, the last.
    lines = result.stderr.strip().splitlines()
    assert lines[-1].startswith("mef-center run: cannot start:") and "bind" in lines[-1], result.stderr
    assert "Traceback" not in result.stderr


def test_run_refuses_a_store_it_does_not_have(tmp_path: Path) -> None:
    result = run_cli("mef-center", "--data-dir", str(tmp_path / "c"), "run", "--store", "postgresql://db/mef")
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "--store: the PostgreSQL store is not available in this version; use sqlite:PATH"
    ]
