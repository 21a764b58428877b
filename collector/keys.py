"""API keys: one project and one role each, stored as SHA-256 hashes, shown once at creation.

Keys carry 256 bits of randomness, so a plain SHA-256 (no slow KDF) is enough to make a stolen
table useless while keeping the per-request lookup to one dict hit.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

import duckdb

from collector.errors import BadRequestError, NotFoundError
from collector.store.base import Store


class Role(StrEnum):
    INGEST = "ingest"
    READ = "read"
    ADMIN = "admin"


# What each role may do; admin may do everything.
ROLE_GRANTS: dict[Role, frozenset[Role]] = {
    Role.INGEST: frozenset({Role.INGEST}),
    Role.READ: frozenset({Role.READ}),
    Role.ADMIN: frozenset({Role.INGEST, Role.READ, Role.ADMIN}),
}


@dataclass(frozen=True, slots=True)
class ApiKey:
    key_id: str
    project: str
    role: Role
    name: str | None = None
    prefix: str = ""
    created_at: datetime | None = None
    revoked_at: datetime | None = None

    def allows(self, needed: Role) -> bool:
        return needed in ROLE_GRANTS[self.role]


def hash_key(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _new_secret(role: Role) -> str:
    return f"tv_{role.value}_{secrets.token_urlsafe(32)}"


class KeyRing:
    """Validates bearer keys against the store, with an in-process cache of active keys."""

    def __init__(self, store: Store, admin_secret: str | None, default_project: str) -> None:
        self._store = store
        self._admin_hash = hash_key(admin_secret) if admin_secret else None
        self._default_project = default_project
        self._cache: dict[str, ApiKey] = {}
        self._lock = threading.Lock()
        self.reload()

    def reload(self) -> None:
        rows = self._store.query(
            "SELECT key_id, project, role, name, prefix, created_at, key_hash FROM api_keys "
            "WHERE revoked_at IS NULL"
        )
        cache = {r.pop("key_hash"): ApiKey(**{**r, "role": Role(r["role"])}) for r in rows}
        with self._lock:
            self._cache = cache

    def authenticate(self, secret: str) -> ApiKey | None:
        digest = hash_key(secret)
        if self._admin_hash and hmac.compare_digest(digest, self._admin_hash):
            return ApiKey("env-admin", self._default_project, Role.ADMIN, "TRACEVAULT_ADMIN_KEY")
        with self._lock:
            return self._cache.get(digest)

    def create(self, project: str, role: str, name: str | None = None) -> tuple[ApiKey, str]:
        """Returns the key record and its secret; the secret is never retrievable again."""
        parsed = _parse_role(role)
        if not project or len(project) > 128:
            raise BadRequestError("project must be 1-128 characters")
        secret = _new_secret(parsed)
        key = ApiKey(
            key_id=secrets.token_hex(6),
            project=project,
            role=parsed,
            name=name,
            prefix=secret[:12],
            created_at=datetime.now(UTC),
        )
        self._store.write(lambda con: _insert_key(con, key, hash_key(secret))).result()
        self.reload()
        return key, secret

    def list(self, project: str | None = None) -> list[ApiKey]:
        sql = "SELECT key_id, project, role, name, prefix, created_at, revoked_at FROM api_keys"
        rows = self._store.query(
            sql + (" WHERE project = ?" if project else "") + " ORDER BY created_at",
            [project] if project else [],
        )
        return [ApiKey(**{**r, "role": Role(r["role"])}) for r in rows]

    def revoke(self, key_id: str, project: str | None = None) -> None:
        done = self._store.write(lambda con: _revoke(con, key_id, project)).result()
        if not done:
            raise NotFoundError(f"no active key {key_id!r}")
        self.reload()


def _parse_role(role: str) -> Role:
    try:
        return Role(role)
    except ValueError:
        allowed = ", ".join(r.value for r in Role)
        raise BadRequestError(f"role must be one of: {allowed}") from None


def _insert_key(con: duckdb.DuckDBPyConnection, key: ApiKey, key_hash: str) -> None:
    con.execute(
        "INSERT INTO api_keys VALUES (?, ?, ?, ?, ?, ?, ?, NULL)",
        [key.key_id, key.project, key.role.value, key.name, key_hash, key.prefix, key.created_at],
    )


def _revoke(con: duckdb.DuckDBPyConnection, key_id: str, project: str | None) -> bool:
    where = "key_id = ? AND revoked_at IS NULL" + (" AND project = ?" if project else "")
    params: list[object] = [key_id] + ([project] if project else [])
    found = con.execute(f"SELECT count(*) FROM api_keys WHERE {where}", params).fetchone()
    if not found or not found[0]:
        return False
    con.execute(f"UPDATE api_keys SET revoked_at = now() WHERE {where}", params)
    return True
