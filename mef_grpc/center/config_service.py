"""ConfigService: the private image registry and the cloud-edge enrolment token.

Codes: a field breaking MEF's registry rules -> 00001005 with every violation (the password's
value never shown); storing the configuration fails -> 60001008; making a token fails ->
60002001. The registry password is sealed (AES-GCM) before it reaches the store, is never
logged and is never returned by any RPC.
"""

from __future__ import annotations

import logging

import grpc
from google.protobuf import empty_pb2

from mef.v1 import config_pb2
from mef_grpc.center.context import CenterContext
from mef_grpc.center.rpc import set_success_message
from mef_grpc.errors import MefError
from mef_grpc.rules.registry import RegistryConfig, check_registry_config
from mef_grpc.security.registry import save_registry_config
from mef_grpc.security.secretbox import SecretBox
from mef_grpc.security.token import issue_token_async
from mef_grpc.store.desired import bump_desired
from mef_grpc.store.engine import Tx

log = logging.getLogger("mef.center.config")

IMAGE_CONFIG_FAILED = "60001008"
EXPORT_TOKEN_FAILED = "60002001"


def _internal(message: str, mef_code: str) -> MefError:
    return MefError(message, mef_code, grpc.StatusCode.INTERNAL, reason="INTERNAL")


class ConfigServicer:
    def __init__(self, ctx: CenterContext) -> None:
        self._ctx = ctx
        self._box: SecretBox | None = None

    def _secret_box(self) -> SecretBox:
        if self._box is None:
            self._box = SecretBox.open_dir(self._ctx.config.data_dir)
        return self._box

    async def ConfigureImageRegistry(
        self, request: config_pb2.ConfigureImageRegistryRequest, context: grpc.aio.ServicerContext
    ) -> empty_pb2.Empty:
        config = check_registry_config(
            request.domain, request.ip, request.port, request.account, list(request.password)
        )
        now = self._ctx.clock()
        box = self._secret_box()

        def store(tx: Tx) -> list[int]:
            save_registry_config(tx, config, box, now)
            # Every edge's desired state carries the registry credentials.
            return bump_desired(tx, [r["id"] for r in tx.query("SELECT id FROM nodes")])

        try:
            touched = await self._ctx.db.write(store)
        except Exception as exc:
            # The exception names no secret: only its type is logged.
            log.error("saving the image registry configuration failed", extra={"error": type(exc).__name__})
            raise _internal("image registry configuration failed", IMAGE_CONFIG_FAILED) from None
        self._ctx.changes.notify(touched)
        log.info("image registry configured", extra={"registry": _describe(config)})
        return empty_pb2.Empty()

    async def GetToken(
        self, request: config_pb2.GetTokenRequest, context: grpc.aio.ServicerContext
    ) -> config_pb2.GetTokenResponse:
        now = self._ctx.clock()
        try:
            token = await issue_token_async(self._ctx.db, now)
        except Exception as exc:
            log.error("making an enrolment token failed", exc_info=exc)
            raise _internal("export token failed", EXPORT_TOKEN_FAILED) from None
        log.info("enrolment token issued; the previous one is void")
        set_success_message(context, "export token success")
        return config_pb2.GetTokenResponse(token=token)


def _describe(config: RegistryConfig) -> str:
    return f"{config.account}@{config.address}"
