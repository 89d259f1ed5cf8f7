"""`mef-edge` parameter rules (the seed's netconfig table), domainconfig, alarmconfig, version."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest

from mef_grpc import __version__
from mef_grpc.cli import edge as edge_cli
from mef_grpc.edge import sysinfo
from tests.certmint import Issued, make_ca, make_leaf
from tests.conftest import EDGE_TEST_ENV, run_cli, write_public_file

OTHER_HOST = "192.0.2.1"  # TEST-NET-1: never one of this host's addresses


@pytest.fixture(scope="module")
def hub_root() -> Issued:
    return make_ca("hub_svr stand-in", key="ec256")


@pytest.fixture
def root_file(tmp_path: Path, hub_root: Issued) -> str:
    return write_public_file(tmp_path / "root.crt", hub_root.cert_pem())


def netconfig(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, *args: str) -> tuple[int, str]:
    monkeypatch.setattr("sys.stdin", io.StringIO("token-never-read\n"))
    rc = edge_cli.main(["--data-dir", str(Path(os.environ["EDGE_TEST_HOME"])), "netconfig", *args])
    captured = capsys.readouterr()
    assert "Please enter token:" not in captured.out  # refused before the token is asked for
    return rc, captured.err


@pytest.fixture(autouse=True)
def _edge_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EDGE_TEST_HOME", str(tmp_path / "edge"))
    monkeypatch.delenv("MEF_ALLOW_LOCAL_CENTER", raising=False)


@pytest.mark.parametrize(
    ("args", "reason"),
    [
        ((f"-ip={OTHER_HOST}",), "-root_ca is required"),
        (("-root_ca=ROOT",), "-ip is required"),
        (("-root_ca=ROOT", "-ip=::1"), "not an IPv4 address"),
        (("-root_ca=ROOT", "-ip=center.example"), "not an IPv4 address"),
        (("-root_ca=ROOT", "-ip=0.0.0.0"), "0.0.0.0 is not allowed"),
        (("-root_ca=ROOT", "-ip=255.255.255.255"), "255.255.255.255 is not allowed"),
        (("-root_ca=ROOT", "-ip=127.0.0.1"), "local address"),
        (("-root_ca=ROOT", "-ip=127.8.9.10"), "local address"),
        (("-root_ca=ROOT", f"-ip={OTHER_HOST}", "-port=1024"), "out of range 1025-65535"),
        (("-root_ca=ROOT", f"-ip={OTHER_HOST}", "-auth_port=65536"), "out of range 1025-65535"),
        (("-root_ca=ROOT", f"-ip={OTHER_HOST}", "-port=abc"), "not a port number"),
        (("-root_ca=ROOT", f"-ip={OTHER_HOST}", "-port=30004"), "must be different"),
        (("-root_ca=ROOT", f"-ip={OTHER_HOST}", "-port=31000", "-auth_port=31000"), "must be different"),
        (("-root_ca=ROOT", f"-ip={OTHER_HOST}", "-net_type=FD"), "only MEF"),
        (("-root_ca=ROOT", f"-ip={OTHER_HOST}", "-test_connect=yes"), "true or false"),
        (("-root_ca=ROOT", f"-ip={OTHER_HOST}", "-sn=-bad"), "not a valid serial number"),
        (("-root_ca=ROOT", f"-ip={OTHER_HOST}", f"-sn={'x' * 65}"), "not a valid serial number"),
        (("-root_ca=relative/root.crt", f"-ip={OTHER_HOST}"), "is not absolute"),
    ],
)
def test_netconfig_parameter_rules(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, root_file: str, args: tuple[str, ...],
    reason: str,
) -> None:
    rc, err = netconfig(capsys, monkeypatch, *(a.replace("ROOT", root_file) for a in args))
    assert rc != 0
    assert reason in err and err.startswith("Execute [netconfig] command failed:")
    assert len(err.strip().splitlines()) == 1


def test_the_hosts_own_address_is_local(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, root_file: str
) -> None:
    own = sorted(str(a) for a in sysinfo.local_ipv4_addresses() if not a.is_loopback)
    # A host with loopback only still has its own (loopback) addresses to refuse.
    address = own[0] if own else "127.0.0.2"
    rc, err = netconfig(capsys, monkeypatch, f"-root_ca={root_file}", f"-ip={address}")
    assert rc != 0 and "local address" in err


@pytest.mark.parametrize("case", ["group-writable", "symlink", "too-big", "leaf", "missing", "directory"])
def test_root_ca_file_rules(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path, hub_root: Issued, case: str
) -> None:
    path = tmp_path / "root.crt"
    if case == "group-writable":
        write_public_file(path, hub_root.cert_pem())
        os.chmod(path, 0o664)
        reason = "must not be writable by group or others"
    elif case == "symlink":
        target = write_public_file(tmp_path / "real.crt", hub_root.cert_pem())
        path.symlink_to(target)
        reason = "symbolic link"
    elif case == "too-big":
        write_public_file(path, hub_root.cert_pem() + b"#" * (1024 * 1024))
        reason = "at most 1048576 bytes"
    elif case == "leaf":
        write_public_file(path, make_leaf("not-a-ca", hub_root).cert_pem())
        reason = "not a CA certificate"
    elif case == "missing":
        reason = "does not exist"
    else:
        path.mkdir()
        reason = "is a directory"
    rc, err = netconfig(capsys, monkeypatch, f"-root_ca={path}", f"-ip={OTHER_HOST}")
    assert rc != 0 and reason in err, err


def test_local_center_allowed_only_with_the_development_switch(tmp_path: Path, root_file: str) -> None:
    # With the switch the address passes; the connection then fails (nothing listens there).
    args = ("mef-edge", "--data-dir", str(tmp_path / "edge"), "netconfig", f"-root_ca={root_file}", "-ip=127.0.0.1",
            "-port=1030", "-auth_port=1031", "-sn=SN-local")
    refused = run_cli(*args, stdin="tok\n", env={"MEF_ALLOW_LOCAL_CENTER": "0"})
    assert refused.returncode != 0 and "local address" in refused.stderr
    allowed = run_cli(*args, stdin="tok\n", env=EDGE_TEST_ENV)
    assert allowed.returncode != 0 and "Please enter token:" in allowed.stdout
    assert "cannot connect to the center" in allowed.stderr
    assert not (tmp_path / "edge" / "config.json").exists()


def test_run_without_netconfig_fails(tmp_path: Path) -> None:
    result = run_cli("mef-edge", "--data-dir", str(tmp_path / "edge"), "run")
    assert result.returncode != 0 and "run netconfig first" in result.stderr
    result = run_cli("mef-edge", "--data-dir", str(tmp_path / "edge"), "start")
    assert result.returncode != 0 and "run netconfig first" in result.stderr
    result = run_cli("mef-edge", "--data-dir", str(tmp_path / "edge"), "stop")
    assert result.returncode == 0 and "Execute [stop] command success!" in result.stdout


def test_domainconfig_maps_the_registry_domain(tmp_path: Path) -> None:
    hosts = tmp_path / "hosts"
    hosts.write_text("127.0.0.1 localhost\n# a comment\n10.0.0.1 registry.example other.example\n")
    env = {"MEF_EDGE_HOSTS_FILE": str(hosts)}
    result = run_cli("mef-edge", "domainconfig", "-domain=registry.example", "-ip=192.0.2.5", env=env)
    assert result.returncode == 0 and result.stdout.strip() == "Execute [domainconfig] command success!"
    result = run_cli("mef-edge", "domainconfig", "--domain", "registry.example", "--ip", "192.0.2.6", env=env)
    assert result.returncode == 0
    lines = hosts.read_text().splitlines()
    assert lines[:3] == ["127.0.0.1 localhost", "# a comment", "10.0.0.1 other.example"]
    mapped = [line for line in lines if "registry.example" in line]
    assert mapped == ["192.0.2.6 registry.example # mef-edge domainconfig"]
    for bad in (("-domain=localhost", "-ip=192.0.2.5"), ("-domain=12345", "-ip=192.0.2.5"),
                ("-domain=-bad.example", "-ip=192.0.2.5"), ("-domain=ok.example", "-ip=0.0.0.0"),
                ("-domain=ok.example", "-ip=::1")):
        result = run_cli("mef-edge", "domainconfig", *bad, env=env)
        assert result.returncode != 0 and result.stderr.startswith("Execute [domainconfig] command failed:")
    assert "ok.example" not in hosts.read_text()


def test_alarmconfig_and_version(tmp_path: Path) -> None:
    home = str(tmp_path / "edge")
    assert run_cli("mef-edge", "--data-dir", home, "getalarmconfig").stdout.startswith("cert_threshold: 90\n")
    ok = run_cli("mef-edge", "--data-dir", home, "alarmconfig", "-cert_threshold=30", "-cert_period=10")
    assert ok.returncode == 0 and "Execute [alarmconfig] command success!" in ok.stdout
    bad = run_cli("mef-edge", "--data-dir", home, "alarmconfig", "-cert_period=28")
    assert bad.returncode != 0 and "1..27" in bad.stderr
    shown = run_cli("mef-edge", "--data-dir", home, "getalarmconfig").stdout
    assert "cert_threshold: 30" in shown and "cert_period: 10" in shown
    assert run_cli("mef-edge", "-version").stdout.strip() == __version__


def test_deletion_forgets_only_the_enrolment_the_agent_ran_with(tmp_path: Path) -> None:
    from mef_grpc.edge.home import EdgeConfig, EdgeHome, Enrolment

    home = EdgeHome(tmp_path / "edge")
    old = Enrolment(EdgeConfig(center_ip="192.0.2.1", sn="SN1"), b"root", b"old-cert", b"old-key")
    home.save_enrolment(old)
    # netconfig ran again while the old agent was still up: its deletion keeps the new identity.
    new = Enrolment(EdgeConfig(center_ip="192.0.2.1", sn="SN1"), b"root", b"new-cert", b"new-key")
    home.save_enrolment(new)
    home.clear_enrolment(old.cert_pem)
    assert home.load_enrolment() == new
    home.clear_enrolment(new.cert_pem)
    assert home.load_enrolment() is None
