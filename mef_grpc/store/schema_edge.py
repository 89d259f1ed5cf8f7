"""Schema of the edge track: node certificates issued at enrolment, and their revocation.

Every certificate the enrolment server signs is recorded with its serial (lower-case hex)
and the SN it was issued to. Deleting a node revokes every certificate of its SN; the edge
hub refuses a stream whose client certificate's serial is revoked. A revocation may also name
a serial that was never recorded here (e.g. the certificate of a live session minted by
another tool), which is why `sn` and `issued_at` may be empty.

The enrolment lockout counters are deliberately not persisted: MEF keeps them in memory too,
and a restarted center starts with a clean record.
"""

from __future__ import annotations

from mef_grpc.store.migrations import Migration, register

EDGE = (
    Migration(
        1,
        "node certificates and revocations",
        (
            """
            CREATE TABLE node_certs (
                serial TEXT PRIMARY KEY,
                sn TEXT NOT NULL DEFAULT '',
                issued_at TEXT NOT NULL DEFAULT '',
                not_after TEXT NOT NULL DEFAULT '',
                revoked_at TEXT
            )
            """,
            "CREATE INDEX node_certs_sn ON node_certs (sn)",
        ),
    ),
    Migration(
        2,
        "fingerprint of the roots and CRLs last sent to the edges",
        (
            """
            CREATE TABLE edge_roots (
                id INTEGER PRIMARY KEY CHECK (id = 1),
                fingerprint TEXT NOT NULL
            )
            """,
        ),
    ),
)

register("edge", EDGE)
