"""MEF status codes (mef-api.md section 6) used by the rules and the services.

Which code a refused request carries:

* Node, node-group, pagination, ID and batch requests: ``PARAM_INVALID`` (00001005),
  as MEF's edge-manager does for every malformed node request.
* The body of CreateApp / UpdateApp (app name, description, containers and
  everything inside them): ``APP_FIELD_INVALID`` = 00001005: MEF's app checker
  (appchecker.NewCreateAppChecker) failing is answered with ErrorParamInvalid; 40021000
  (``APP_SPEC``) is what MEF answers for the app count limit.
* Other app requests (appID, deploy/undeploy group lists, appIDs of a batch delete,
  pagination): ``PARAM_INVALID``; they carry no spec.
* Limits found by the services against stored state (1024 groups, 10 groups per node,
  20 apps per group...): ``NODE_SPEC`` / ``APP_SPEC``; duplicates: ``NODE_DUPLICATE`` /
  ``APP_DUPLICATE``; missing objects: ``GROUP_NOT_FOUND`` / ``APP_NOT_FOUND``; anything
  else that fails an operation: its per-operation code below.
"""

from __future__ import annotations

from typing import Final

from mef_grpc.errors import PARAM_INVALID, PARSE_FAILED, ROUTE_NOT_FOUND, SUCCESS

__all__ = [
    "APP_CREATE_FAILED",
    "APP_DELETE_FAILED",
    "APP_DEPLOY_FAILED",
    "APP_DUPLICATE",
    "APP_FIELD_INVALID",
    "APP_INSTANCES_BY_APP_FAILED",
    "APP_INSTANCES_BY_NODE_FAILED",
    "APP_INSTANCES_COUNT_BY_GROUP_FAILED",
    "APP_INSTANCES_LIST_FAILED",
    "APP_LIST_FAILED",
    "APP_NOT_FOUND",
    "APP_PARAM_CONVERT_FAILED",
    "APP_QUERY_FAILED",
    "APP_SPEC",
    "APP_UNDEPLOY_FAILED",
    "APP_UPDATE_FAILED",
    "CONTAINER_UNMARSHAL_FAILED",
    "GROUP_ADD_NODES_FAILED",
    "GROUP_COUNT_FAILED",
    "GROUP_CREATE_FAILED",
    "GROUP_DELETE_FAILED",
    "GROUP_DETAIL_FAILED",
    "GROUP_LIST_FAILED",
    "GROUP_MODIFY_FAILED",
    "GROUP_NOT_FOUND",
    "GROUP_REMOVE_NODES_FAILED",
    "NODE_COUNT_BY_STATUS_FAILED",
    "NODE_DELETE_FAILED",
    "NODE_DETAIL_FAILED",
    "NODE_DUPLICATE",
    "NODE_GET_TOKEN_FAILED",
    "NODE_LIST_FAILED",
    "NODE_MANAGE_FAILED",
    "NODE_MODIFY_FAILED",
    "NODE_SEND_FAILED",
    "NODE_SOFTWARE_VERSION_FAILED",
    "NODE_SPEC",
    "NODE_UNMANAGED_LIST_FAILED",
    "PARAM_INVALID",
    "PARSE_FAILED",
    "ROUTE_NOT_FOUND",
    "SUCCESS",
]

# --- Nodes and node groups (4001xxxx) ---------------------------------------------
NODE_SPEC: Final = "40011000"  # spec or limit check failed
NODE_DUPLICATE: Final = "40012000"
GROUP_CREATE_FAILED: Final = "40012001"
GROUP_LIST_FAILED: Final = "40012002"
GROUP_DETAIL_FAILED: Final = "40012003"
GROUP_MODIFY_FAILED: Final = "40012004"
GROUP_COUNT_FAILED: Final = "40012005"
GROUP_DELETE_FAILED: Final = "40012006"
NODE_DETAIL_FAILED: Final = "40012007"
NODE_MODIFY_FAILED: Final = "40012008"
NODE_COUNT_BY_STATUS_FAILED: Final = "40012009"
NODE_LIST_FAILED: Final = "40012010"
NODE_UNMANAGED_LIST_FAILED: Final = "40012011"
GROUP_ADD_NODES_FAILED: Final = "40012012"
NODE_MANAGE_FAILED: Final = "40012013"
NODE_DELETE_FAILED: Final = "40012014"
GROUP_REMOVE_NODES_FAILED: Final = "40012015"
NODE_SEND_FAILED: Final = "40012016"
NODE_GET_TOKEN_FAILED: Final = "40012017"
NODE_SOFTWARE_VERSION_FAILED: Final = "40012018"
GROUP_NOT_FOUND: Final = "40012019"

# --- Apps (4002xxxx) ----------------------------------------------------------------
APP_SPEC: Final = "40021000"  # spec check failed: MEF uses it for the app count limit
# A CreateApp/UpdateApp body breaking a field rule: MEF's app checker answers ErrorParamInvalid.
APP_FIELD_INVALID: Final = PARAM_INVALID
APP_PARAM_CONVERT_FAILED: Final = "40021001"
CONTAINER_UNMARSHAL_FAILED: Final = "40021002"
APP_DUPLICATE: Final = "40022000"
APP_NOT_FOUND: Final = "40022001"
APP_CREATE_FAILED: Final = "40022002"
APP_QUERY_FAILED: Final = "40022003"
APP_LIST_FAILED: Final = "40022004"
APP_DEPLOY_FAILED: Final = "40022005"
APP_UNDEPLOY_FAILED: Final = "40022006"
APP_UPDATE_FAILED: Final = "40022007"
APP_DELETE_FAILED: Final = "40022008"
APP_INSTANCES_BY_APP_FAILED: Final = "40022009"
APP_INSTANCES_BY_NODE_FAILED: Final = "40022010"
APP_INSTANCES_LIST_FAILED: Final = "40022011"
APP_INSTANCES_COUNT_BY_GROUP_FAILED: Final = "40022012"
