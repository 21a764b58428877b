"""Route dependencies as Annotated aliases: the runtime, and the caller's key for each role."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from collector.errors import AuthError, ForbiddenError
from collector.keys import ApiKey, Role
from collector.runtime import Runtime


def get_runtime(request: Request) -> Runtime:
    return request.app.state.runtime


def _bearer(request: Request) -> str:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise AuthError("missing API key: send 'Authorization: Bearer <key>'")
    return token.strip()


def authorize(request: Request, role: Role) -> ApiKey:
    """The caller's key, if it is valid and its role grants `role`."""
    key = get_runtime(request).keys.authenticate(_bearer(request))
    if key is None:
        raise AuthError("unknown or revoked API key")
    if not key.allows(role):
        raise ForbiddenError(f"a {key.role.value} key cannot do this; it needs {role.value}")
    request.state.api_key = key
    return key


def _require(role: Role):
    def dependency(request: Request) -> ApiKey:
        return authorize(request, role)

    return dependency


RuntimeDep = Annotated[Runtime, Depends(get_runtime)]
IngestKey = Annotated[ApiKey, Depends(_require(Role.INGEST))]
ReadKey = Annotated[ApiKey, Depends(_require(Role.READ))]
AdminKey = Annotated[ApiKey, Depends(_require(Role.ADMIN))]
