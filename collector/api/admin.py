"""Key management (admin), health and Prometheus metrics."""

from __future__ import annotations

import shutil
from typing import Any

from fastapi import APIRouter, Response
from pydantic import BaseModel, Field

from collector.api.deps import AdminKey, ReadKey, RuntimeDep
from collector.keys import ApiKey
from collector.settings import Settings
from collector.store import Store

router = APIRouter()


class KeyCreate(BaseModel):
    project: str = Field(min_length=1, max_length=128)
    role: str = Field(description="ingest, read or admin")
    name: str | None = Field(None, max_length=200)


def _key_out(key: ApiKey) -> dict[str, Any]:
    return {
        "key_id": key.key_id,
        "project": key.project,
        "role": key.role.value,
        "name": key.name,
        "prefix": key.prefix,
        "created_at": key.created_at.isoformat() if key.created_at else None,
        "revoked_at": key.revoked_at.isoformat() if key.revoked_at else None,
    }


@router.post("/api/keys", tags=["keys"], status_code=201, summary="Create a key (shown once)")
def create_key(body: KeyCreate, runtime: RuntimeDep, _: AdminKey) -> dict[str, Any]:
    key, secret = runtime.keys.create(body.project, body.role, body.name)
    return {**_key_out(key), "key": secret}


@router.get("/api/keys", tags=["keys"], summary="List keys (never their secrets)")
def list_keys(runtime: RuntimeDep, _: AdminKey, project: str | None = None) -> dict[str, Any]:
    return {"keys": [_key_out(k) for k in runtime.keys.list(project)]}


@router.delete("/api/keys/{key_id}", tags=["keys"], status_code=204, summary="Revoke a key")
def revoke_key(key_id: str, runtime: RuntimeDep, _: AdminKey) -> Response:
    runtime.keys.revoke(key_id)
    return Response(status_code=204)


def health_checks(store: Store, settings: Settings) -> dict[str, dict[str, Any]]:
    """The checks that need only the store and settings (the alert rules' probe runs these)."""
    checks: dict[str, dict[str, Any]] = {}
    try:
        store.write(lambda con: con.execute("SELECT 1").fetchone()).result(timeout=5)
        checks["database"] = {"ok": True}
    except Exception as exc:  # any failure here means unhealthy, reported not raised
        checks["database"] = {"ok": False, "error": str(exc)}
    depth, cap = store.queue_depth(), settings.ingest_queue_batches
    checks["ingest_queue"] = {"ok": depth < cap, "depth": depth, "capacity": cap}
    free_mb = shutil.disk_usage(settings.db_path.resolve().parent).free // (1 << 20)
    checks["disk"] = {"ok": free_mb >= settings.min_free_disk_mb, "free_mb": free_mb}
    return checks


@router.get("/health", tags=["ops"], summary="Liveness and readiness, no key needed")
def health(runtime: RuntimeDep, response: Response) -> dict[str, Any]:
    checks = health_checks(runtime.store, runtime.settings)
    # Still starting is healthy: requests are prepared in the server process meanwhile.
    checks["ingest_workers"] = {"ok": True, **runtime.ingest.workers()}
    checks.update(runtime.service_checks())  # e.g. the scheduler
    ok = all(c["ok"] for c in checks.values())
    response.status_code = 200 if ok else 503
    return {"status": "ok" if ok else "unhealthy", "checks": checks}


@router.get("/metrics", tags=["ops"], summary="Prometheus text")
def metrics(runtime: RuntimeDep, _: ReadKey) -> Response:
    runtime.metrics.queue_depth.set(runtime.store.queue_depth())
    return Response(runtime.metrics.render(), media_type="text/plain; version=0.0.4")
