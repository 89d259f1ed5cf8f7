"""Storage of the image registry configuration, with the password sealed by a `SecretBox`.

`save_registry_config` replaces the one configuration; `load_registry_credentials` gives the
edge stream what the desired state carries down to every edge.
"""

from __future__ import annotations

import datetime as dt

from mef_grpc.rules.registry import RegistryConfig
from mef_grpc.security.secretbox import SecretBox
from mef_grpc.store.engine import Tx

PASSWORD_CONTEXT = b"mef-center/registry-password/v1"


def save_registry_config(tx: Tx, config: RegistryConfig, box: SecretBox, now: dt.datetime) -> None:
    sealed = box.seal(config.password, PASSWORD_CONTEXT)
    tx.execute(
        """
        INSERT INTO registry_config (id, domain, ip, port, account, password_box, updated_at)
        VALUES (1, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (id) DO UPDATE SET domain = excluded.domain, ip = excluded.ip, port = excluded.port,
            account = excluded.account, password_box = excluded.password_box, updated_at = excluded.updated_at
        """,
        (config.domain, config.ip, config.port, config.account, sealed, now.astimezone(dt.UTC).isoformat()),
    )


def load_registry_config(tx: Tx, box: SecretBox) -> RegistryConfig | None:
    row = tx.one("SELECT domain, ip, port, account, password_box FROM registry_config WHERE id = 1")
    if row is None:
        return None
    password = box.open(bytes(row["password_box"]), PASSWORD_CONTEXT)
    return RegistryConfig(row["domain"], row["ip"], int(row["port"]), row["account"], password)


def load_registry_credentials(tx: Tx, box: SecretBox) -> tuple[str, str, bytes] | None:
    """(address "host:port", account, password) of the configured registry, None when unset."""
    config = load_registry_config(tx, box)
    if config is None:
        return None
    return config.address, config.account, config.password


def reseal_registry_password(tx: Tx, old: SecretBox, new: SecretBox) -> bool:
    """Re-encrypt the stored password under a new key (key rotation); False when none is stored."""
    row = tx.one("SELECT password_box FROM registry_config WHERE id = 1")
    if row is None:
        return False
    password = old.open(bytes(row["password_box"]), PASSWORD_CONTEXT)
    tx.execute("UPDATE registry_config SET password_box = ? WHERE id = 1", (new.seal(password, PASSWORD_CONTEXT),))
    return True
