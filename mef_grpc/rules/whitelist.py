"""The hostPath whitelist: the only host files and directories an app may mount.

The list is MEF's documented one (mef-api.md 5; the create-app API reference, table
"HostPathVolume parameters"): the Ascend driver files an inference container needs.
MEF ships it in pod-config.json; here it is fixed in code so that a mount can never be
widened by editing a file on the Center.

For libcrypto and libyaml the doc names one concrete file per host distribution, and
those are listed verbatim:

* libcrypto 1.1: Ubuntu ``/usr/lib/aarch64-linux-gnu/libcrypto.so.1.1``, openEuler
  ``/usr/lib64/libcrypto.so.1.1.1m``;
* libcrypto 3: Ubuntu ``/usr/lib/aarch64-linux-gnu/libcrypto.so.3.0.12``, openEuler
  ``/usr/lib64/libcrypto.so.3.0.12``;
* libyaml 0.2: Ubuntu ``/usr/lib/aarch64-linux-gnu/libyaml-0.so.2.0.6``, openEuler
  ``/usr/lib64/libyaml-0.so.2.0.9``.

Two soname links are added because MEF's own documents use them as host paths: the
list heads the libcrypto 3 entry with ``/usr/lib64/libcrypto.so.3``, and MEF's
inference-image guide mounts ``/usr/lib64/libcrypto.so.1.1``. They resolve to the
same library files, so they widen nothing. No other versions are guessed.

Matching is exact, except that one trailing "/" is ignored on either side (MEF lists
``/usr/lib64/aicpu_kernels/`` with it and ``/var/slogd`` without): both spellings name
the same directory. No prefix matching: a whitelisted directory does not admit paths
below it.
"""

from __future__ import annotations

from typing import Final

__all__ = ["HOST_PATH_WHITELIST", "is_whitelisted"]

HOST_PATH_WHITELIST: Final[tuple[str, ...]] = (
    "/etc/sys_version.conf",
    "/etc/hdcBasic.cfg",
    "/usr/lib64/libaicpu_processer.so",
    "/usr/lib64/libaicpu_prof.so",
    "/usr/lib64/libaicpu_sharder.so",
    "/usr/lib64/libadump.so",
    "/usr/lib64/libtsd_eventclient.so",
    "/usr/lib64/libaicpu_scheduler.so",
    # libcrypto 1.1
    "/usr/lib/aarch64-linux-gnu/libcrypto.so.1.1",
    "/usr/lib64/libcrypto.so.1.1.1m",
    "/usr/lib64/libcrypto.so.1.1",
    # libcrypto 3
    "/usr/lib64/libcrypto.so.3",
    "/usr/lib/aarch64-linux-gnu/libcrypto.so.3.0.12",
    "/usr/lib64/libcrypto.so.3.0.12",
    # libyaml 0.2
    "/usr/lib/aarch64-linux-gnu/libyaml-0.so.2.0.6",
    "/usr/lib64/libyaml-0.so.2.0.9",
    "/usr/lib64/libdcmi.so",
    "/usr/lib64/libmpi_dvpp_adapter.so",
    "/usr/lib64/libunified_timer.so",
    "/usr/lib64/libmmpa.so",
    "/usr/lib64/aicpu_kernels/",
    "/usr/local/sbin/npu-smi",
    "/usr/lib64/libstackcore.so",
    "/usr/local/Ascend/driver/lib64",
    "/var/slogd",
    "/var/dmp_daemon",
)


def _canonical(path: str) -> str:
    return path[:-1] if len(path) > 1 and path.endswith("/") else path


_CANONICAL: Final = frozenset(_canonical(p) for p in HOST_PATH_WHITELIST)


def is_whitelisted(host_path: str) -> bool:
    """Whether ``host_path`` names one of the whitelisted files or directories."""
    return _canonical(host_path) in _CANONICAL
