"""Field encryption and blind indexes with a key ring from CIRCLUE_SECRET_KEY (seed 보안 고려사항 2).

CIRCLUE_SECRET_KEY holds one or more secrets separated by commas, newest first. Each secret gives, through
HKDF-SHA256, a Fernet key (AES-128-CBC + HMAC-SHA256, from `cryptography`) and a blind-index key. A stored value
is `enc1:<key id>:<Fernet token>`: the key id says which key wrote it, so `python -m circlue keys rotate` knows what
is left to re-encrypt and resumes where it stopped. A blind index is the HMAC-SHA256 of the normalised plaintext:
equal values give equal indexes, so a column can be searched by exact value without being readable.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import threading
import unicodedata
from dataclasses import dataclass
from functools import cached_property

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

PREFIX = "enc1"
_lock = threading.Lock()
_ring: KeyRing | None = None


class DecryptionError(Exception):
    """A value cannot be decrypted with any key of the ring (a key was removed too early, or tampering)."""


def _derive(secret: str, purpose: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=b"circlue", info=purpose).derive(secret.encode("utf-8"))


@dataclass(frozen=True)
class _Key:
    key_id: str
    fernet: Fernet
    index_key: bytes


def _key(secret: str) -> _Key:
    raw = _derive(secret, b"circlue field encryption v1")
    # The id names the key without revealing it: a hash of the derived key, not of the secret.
    key_id = hashlib.sha256(b"key id:" + raw).hexdigest()[:8]
    return _Key(key_id, Fernet(base64.urlsafe_b64encode(raw)), _derive(secret, b"circlue blind index v1"))


def normalise(value: str) -> str:
    """The form blind indexes hash: Unicode NFKC, trimmed, case-folded (full-width ＡＢ and ab match)."""
    return unicodedata.normalize("NFKC", value).strip().casefold()


class KeyRing:
    """The keys of CIRCLUE_SECRET_KEY, newest first: encrypt with the newest, decrypt with any."""

    def __init__(self, secrets: list[str]) -> None:
        secrets = [s.strip() for s in secrets if s.strip()]
        if not secrets:
            raise ValueError("CIRCLUE_SECRET_KEY holds no key")
        if any(len(s) < 16 for s in secrets):
            raise ValueError("each key in CIRCLUE_SECRET_KEY must be at least 16 characters")
        self._keys = [_key(s) for s in secrets]
        self._by_id = {k.key_id: k for k in self._keys}

    @classmethod
    def from_setting(cls, value: str) -> KeyRing:
        """A ring from the setting's text: keys separated by commas, newest first."""
        return cls(value.split(","))

    @property
    def newest_id(self) -> str:
        """The id of the key new values are written with."""
        return self._keys[0].key_id

    @cached_property
    def key_ids(self) -> tuple[str, ...]:
        """Every key id of the ring, newest first."""
        return tuple(k.key_id for k in self._keys)

    def encrypt(self, value: str | None) -> str | None:
        """`enc1:<key id>:<token>` for a value (None stays None)."""
        if value is None:
            return None
        key = self._keys[0]
        return f"{PREFIX}:{key.key_id}:{key.fernet.encrypt(value.encode('utf-8')).decode('ascii')}"

    def decrypt(self, stored: str | None) -> str | None:
        """The plaintext of a stored value; values written before encryption (no prefix) are returned as they are."""
        if stored is None or not stored.startswith(PREFIX + ":"):
            return stored
        _, key_id, token = stored.split(":", 2)
        key = self._by_id.get(key_id)
        if key is None:
            raise DecryptionError(
                f"no key {key_id} in CIRCLUE_SECRET_KEY: was it removed before `keys rotate` finished?"
            )
        try:
            return key.fernet.decrypt(token.encode("ascii")).decode("utf-8")
        except InvalidToken as exc:
            raise DecryptionError(f"a value under key {key_id} does not decrypt: it was altered") from exc

    def key_id_of(self, stored: str | None) -> str | None:
        """Which key wrote a stored value ('' for plaintext written before encryption, None for NULL)."""
        if stored is None:
            return None
        return stored.split(":", 2)[1] if stored.startswith(PREFIX + ":") else ""

    def blind_index(self, value: str | None) -> str | None:
        """The newest key's blind index of a value, for storing beside its ciphertext."""
        if value is None:
            return None
        return hmac.new(self._keys[0].index_key, normalise(value).encode("utf-8"), hashlib.sha256).hexdigest()

    def blind_indexes(self, value: str) -> list[str]:
        """The value's blind index under every key: lookups find rows not yet rotated to the newest key."""
        text = normalise(value).encode("utf-8")
        return [hmac.new(k.index_key, text, hashlib.sha256).hexdigest() for k in self._keys]


def keyring() -> KeyRing:
    """The process's key ring, read once from the settings (CIRCLUE_SECRET_KEY, or the demo's generated key)."""
    global _ring
    with _lock:
        if _ring is None:
            from circlue.config import secret_key

            _ring = KeyRing.from_setting(secret_key())
        return _ring


def reset_keyring(ring: KeyRing | None = None) -> None:
    """Use `ring` from now on (tests, key rotation), or read the settings again when None."""
    global _ring
    with _lock:
        _ring = ring
