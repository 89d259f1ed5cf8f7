"""Every MEF limit as a named constant (mef-api.md sections 2, 3 and 5).

Bounds are inclusive unless the name says otherwise. Rules and services import these
instead of repeating numbers so that a limit changes in exactly one place.
"""

from __future__ import annotations

from typing import Final

# --- IDs and pagination (mef-api.md 2) -------------------------------------------
ID_MIN: Final = 1
ID_MAX: Final = 2**32 - 1  # IDs are uint32 and 0 means "not set"
PAGE_NUM_MIN: Final = 1
PAGE_NUM_MAX: Final = 2**31 - 1
PAGE_SIZE_MIN: Final = 1
PAGE_SIZE_MAX: Final = 100
NAME_FILTER_MAX_LEN: Final = 253

# --- Nodes and groups (mef-api.md 3.2, 3.3, 5) -----------------------------------
MAX_NODE_GROUPS: Final = 1024
MAX_MANAGED_NODES: Final = 1024
MAX_NODES_TOTAL: Final = 2048  # managed plus unmanaged, MEF's internal cap
MAX_NODES_PER_GROUP: Final = 1024
MAX_GROUPS_PER_NODE: Final = 10
BATCH_MIN: Final = 1
BATCH_MAX: Final = 1024  # any batch ID array, and pod pairs
GROUP_NAME_MAX_LEN: Final = 32
NODE_NAME_MAX_LEN: Final = 64
SN_MAX_LEN: Final = 64
DESCRIPTION_MAX_LEN: Final = 512

# --- Apps (mef-api.md 3.4, 5) ----------------------------------------------------
MAX_APPS: Final = 1000
# MEF reads these two from pod-config.json (1..128, falling back to 20 when out of range).
MAX_APPS_PER_GROUP: Final = 20
MAX_APPS_PER_NODE: Final = 20
APPS_PER_GROUP_CONFIG_MIN: Final = 1
APPS_PER_GROUP_CONFIG_MAX: Final = 128
DEPLOY_GROUPS_MIN: Final = 1
DEPLOY_GROUPS_MAX: Final = 1024
CONTAINERS_MIN: Final = 1
CONTAINERS_MAX: Final = 10
APP_NAME_MAX_LEN: Final = 32

# --- Container object (mef-api.md 3.4) -------------------------------------------
DNS_LABEL_MAX_LEN: Final = 32  # app, container, port and volume names
IMAGE_MAX_LEN: Final = 256
IMAGE_VERSION_MAX_LEN: Final = 32
CPU_MIN: Final = "0.01"  # strings: compared as Decimal so 0.01 is exact
CPU_MAX: Final = "1000"
CPU_MAX_DECIMALS: Final = 2
MEM_MIN_MIB: Final = 4
MEM_MAX_MIB: Final = 1_024_000
NPU_MIN: Final = 0
NPU_MAX: Final = 32
ENV_MAX: Final = 256
ENV_NAME_MIN_LEN: Final = 2
ENV_NAME_MAX_LEN: Final = 32
ENV_VALUE_MAX_LEN: Final = 512
COMMAND_MAX: Final = 16
ARGS_MAX: Final = 16
COMMAND_ITEM_MAX_LEN: Final = 256
PORTS_MAX: Final = 16
PORT_PROTOCOLS: Final = ("TCP", "UDP")
CONTAINER_PORT_MIN: Final = 1
CONTAINER_PORT_MAX: Final = 65535
HOST_PORT_MIN: Final = 1024
HOST_PORT_MAX: Final = 65535
RUN_AS_ID_MIN: Final = 1  # userID / groupID: never 0, containers never run as root
RUN_AS_ID_MAX: Final = 65535
VOLUMES_MAX: Final = 256
MOUNT_PATH_MIN_LEN: Final = 2
MOUNT_PATH_MAX_LEN: Final = 512
HOST_PATH_WHITELIST_MAX: Final = 256  # pod-config.json accepts at most this many entries

# --- Edge resources (mef-api.md 5) -----------------------------------------------
EDGE_RESERVED_CPU: Final = 1  # cores MEF Edge keeps for itself
EDGE_RESERVED_MEM_MIB: Final = 1024

# --- Log tasks (mef-api.md 5) ----------------------------------------------------
LOG_TASK_MAX_NODES: Final = 100
LOG_TASKS_KEPT: Final = 2000

# --- Error reporting ---------------------------------------------------------------
# Violations travel in the grpc-status-details-bin trailer, and gRPC's default metadata
# limit is 8 KiB; a request with 1024 bad IDs must not turn into an unsendable status.
MAX_VIOLATIONS: Final = 32
