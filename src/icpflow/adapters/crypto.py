"""Field encryption for personal information at rest: AES-256-GCM tokens and blind indexes.

A token is `enc:v1:<key id>:<urlsafe base64 of nonce (12 bytes) | ciphertext and tag>`. The nonce is
random for every value, so equal values encrypt differently; the associated data is the token's header
(`enc:v1:<key id>`), so a token whose key id was edited does not decrypt. Several keys may be known at
once (rotation): tokens name their key, `decrypt` accepts any known one, `encrypt` uses the current one.

Equality lookups (a subject by its certificate number) go through a *blind index*: HMAC-SHA256 of the
value under a key derived from the master key, never the master key itself. Lookups compute the index
under every known key, so a rotation in progress never hides a row (`blind_indexes`).

Keys are configured as `ICPFLOW_ENCRYPTION_KEYS="k2:<base64 of 32 bytes>,k1:<base64>"`, the first being
the current one (`FieldCipher.from_setting`).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import re
from collections.abc import Mapping

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

PREFIX = "enc:v1:"
KEY_BYTES = 32
NONCE_BYTES = 12
_KEY_ID = re.compile(r"^[A-Za-z0-9_-]{1,16}$")
_ENCRYPTION_INFO = b"icpflow field encryption v1"
_INDEX_INFO = b"icpflow blind index v1"


class DecryptionError(ValueError):
    """A token that cannot be decrypted: malformed, tampered with, or under a key no longer known."""


def _derive(master: bytes, info: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=KEY_BYTES, salt=None, info=info).derive(master)


def generate_key() -> bytes:
    return os.urandom(KEY_BYTES)


def format_setting(keys: Mapping[str, bytes]) -> str:
    """Keys as `ICPFLOW_ENCRYPTION_KEYS` writes them (the first is current)."""
    return ",".join(f"{key_id}:{base64.b64encode(key).decode()}" for key_id, key in keys.items())


class FieldCipher:
    """Encrypts and decrypts single text values; computes blind indexes for equality lookups."""

    def __init__(self, keys: Mapping[str, bytes], current: str) -> None:
        if not keys:
            raise ValueError("at least one encryption key is needed")
        for key_id, key in keys.items():
            if not _KEY_ID.match(key_id):
                raise ValueError(f"encryption key id {key_id!r} must be 1-16 letters, digits, '-' or '_'")
            if len(key) != KEY_BYTES:
                raise ValueError(f"encryption key {key_id!r} must be {KEY_BYTES} bytes, not {len(key)}")
        if current not in keys:
            raise ValueError(f"the current encryption key {current!r} is not among the keys given")
        self.current = current
        self.key_ids = (current, *(k for k in keys if k != current))
        self._aead = {key_id: AESGCM(_derive(key, _ENCRYPTION_INFO)) for key_id, key in keys.items()}
        self._index = {key_id: _derive(key, _INDEX_INFO) for key_id, key in keys.items()}

    @classmethod
    def from_setting(cls, setting: str) -> FieldCipher:
        """`"k2:<base64 32 bytes>,k1:<base64>"`: key ids and keys (standard or URL-safe base64), current
        first. Errors name the key id, never the key."""
        keys: dict[str, bytes] = {}
        for item in filter(None, (part.strip() for part in setting.split(","))):
            key_id, sep, encoded = item.partition(":")
            key_id = key_id.strip()
            if not sep:
                raise ValueError("encryption keys are written as <key id>:<base64 of 32 bytes>, comma-separated")
            if key_id in keys:
                raise ValueError(f"encryption key id {key_id!r} is given twice")
            try:
                encoded = encoded.strip()
                key = base64.b64decode(encoded.replace("-", "+").replace("_", "/") + "=" * (-len(encoded) % 4),
                                       validate=True)
            except (binascii.Error, ValueError):
                raise ValueError(f"encryption key {key_id!r} is not valid base64") from None
            keys[key_id] = key
        if not keys:
            raise ValueError("no encryption key given")
        return cls(keys, next(iter(keys)))

    # ----- tokens ------------------------------------------------------------------------------------
    @staticmethod
    def is_encrypted(value: object) -> bool:
        return isinstance(value, str) and value.startswith(PREFIX)

    @staticmethod
    def key_id_of(token: str) -> str:
        """The key id a token names (`DecryptionError` when it is no token)."""
        if not token.startswith(PREFIX):
            raise DecryptionError("not an encrypted value")
        key_id, sep, _ = token[len(PREFIX):].partition(":")
        if not sep:
            raise DecryptionError("malformed encrypted value")
        return key_id

    def encrypt(self, text: str) -> str:
        header = f"{PREFIX}{self.current}"
        nonce = os.urandom(NONCE_BYTES)
        sealed = self._aead[self.current].encrypt(nonce, text.encode("utf-8"), header.encode("ascii"))
        return f"{header}:{base64.urlsafe_b64encode(nonce + sealed).decode('ascii')}"

    def decrypt(self, token: str) -> str:
        key_id = self.key_id_of(token)
        aead = self._aead.get(key_id)
        if aead is None:
            raise DecryptionError(f"encrypted under key {key_id!r}, which is not configured (ICPFLOW_ENCRYPTION_KEYS)")
        body = token[len(PREFIX) + len(key_id) + 1:]
        try:
            raw = base64.urlsafe_b64decode(body.encode("ascii"))
        except (binascii.Error, ValueError, UnicodeEncodeError):
            raise DecryptionError("malformed encrypted value") from None
        if len(raw) < NONCE_BYTES + 16:
            raise DecryptionError("malformed encrypted value")
        try:
            plain = aead.decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], f"{PREFIX}{key_id}".encode("ascii"))
        except InvalidTag:
            raise DecryptionError(f"encrypted value under key {key_id!r} fails authentication (tampered?)") from None
        return plain.decode("utf-8")

    def reveal(self, value: str) -> str:
        """`value` decrypted when it is a token, as it is otherwise (rows written before encryption)."""
        return self.decrypt(value) if self.is_encrypted(value) else value

    def is_current(self, token: str) -> bool:
        return self.is_encrypted(token) and self.key_id_of(token) == self.current

    # ----- blind indexes -------------------------------------------------------------------------------
    def blind_index(self, text: str) -> str:
        """HMAC-SHA256 of `text` under the current key's index key, hex: equal values, equal indexes."""
        return self._blind(self.current, text)

    def blind_indexes(self, text: str) -> list[str]:
        """The index of `text` under every known key, current first: what a lookup must match while rows
        indexed under an older key remain (until `icpflow db rotate-keys`)."""
        return [self._blind(key_id, text) for key_id in self.key_ids]

    def _blind(self, key_id: str, text: str) -> str:
        return hmac.new(self._index[key_id], text.encode("utf-8"), hashlib.sha256).hexdigest()
