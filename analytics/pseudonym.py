"""Pseudonymous user keys: HMAC-SHA256 of the raw Telegram id, keyed by the deployment's secret.

The raw id is never stored. The same person always maps to the same key (so distinct people can be
counted), and without the secret the key cannot be turned back into a Telegram id by trying all ids.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import secrets
from pathlib import Path

log = logging.getLogger(__name__)

SECRET_FILE_NAME = "analytics.secret"
# 32 random bytes match the HMAC-SHA256 block strength; more adds nothing.
SECRET_BYTES = 32
# Hex digits kept of the HMAC: 16 bytes make collisions between a town's users practically impossible.
PSEUDONYM_HEX_CHARS = 32


def pseudonymise(secret: bytes, user_id: int | str) -> str:
    """The stored key for one user: a truncated hex HMAC-SHA256 of the id's text form."""
    digest = hmac.new(secret, str(user_id).encode("utf-8"), hashlib.sha256).hexdigest()
    return digest[:PSEUDONYM_HEX_CHARS]


def load_or_create_secret(data_dir: Path, configured: str | None) -> bytes:
    """The HMAC key: `PUFA_SECRET` when configured, else one generated once into the data dir (mode 0600).

    Changing the secret splits every user into a new pseudonym, so the generated one is kept for good.
    """
    if configured:
        return configured.encode("utf-8")
    path = data_dir / SECRET_FILE_NAME
    if path.exists():
        return bytes.fromhex(path.read_text(encoding="ascii").strip())
    data_dir.mkdir(parents=True, exist_ok=True)
    secret = secrets.token_bytes(SECRET_BYTES)
    # O_EXCL: two processes starting together must not both write a different secret.
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return bytes.fromhex(path.read_text(encoding="ascii").strip())
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(secret.hex())
    log.info("generated a new analytics secret in %s", path)
    return secret
