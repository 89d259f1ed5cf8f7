"""Keeping the edges' copy of the image/software roots and CRLs in step with the center's files.

The roots live in files (pki/imported), the desired-state versions in the store: a change of
one and the bump of the other cannot share a transaction. So the store remembers a fingerprint
of what the edges were last given; after every root or CRL change, and at every start (in case
a crash fell between the file change and the bump), a differing fingerprint bumps every node's
desired state in the same transaction that records the new fingerprint.
"""

from __future__ import annotations

import hashlib

from mef_grpc.pki.center_pki import CenterPki
from mef_grpc.store.desired import bump_desired
from mef_grpc.store.engine import Tx

EDGE_ROOT_NAMES = ("image", "software")


def roots_fingerprint(pki: CenterPki) -> str:
    digest = hashlib.sha256()
    for name in EDGE_ROOT_NAMES:
        for part in (pki.imported_pem(name) or b"", pki.crl_pem(name)):
            digest.update(len(part).to_bytes(8, "big"))
            digest.update(part)
    return digest.hexdigest()


def sync_edge_roots(tx: Tx, fingerprint: str) -> list[int]:
    """Bump every node when the roots changed since they were last recorded; the nodes bumped."""
    stored = tx.scalar("SELECT fingerprint FROM edge_roots WHERE id = 1")
    if stored == fingerprint:
        return []
    tx.execute(
        "INSERT INTO edge_roots (id, fingerprint) VALUES (1, ?)"
        " ON CONFLICT (id) DO UPDATE SET fingerprint = excluded.fingerprint",
        (fingerprint,),
    )
    return bump_desired(tx, [r["id"] for r in tx.query("SELECT id FROM nodes")])
