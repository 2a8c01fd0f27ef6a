"""Encryption at rest for the most sensitive fields: AES-256-GCM with key identifiers.

Stored form: ``enc1:<key id>:<base64(nonce || ciphertext+tag)>``. The key id lets keys rotate:
new writes use the first (current) key, reads accept any configured key, and
``manage.py rotate_field_keys`` re-encrypts every row with the current key.

Keys come from FIELD_ENCRYPTION_KEYS ("id:base64-32-bytes,id2:..."). Production refuses to start
without them; the embedded and test settings derive a key from SECRET_KEY so they run anywhere.
Exact search uses a keyed hash (HMAC-SHA256 with FIELD_HASH_KEY) stored beside the ciphertext.
"""

import base64
import hashlib
import hmac
import os
from functools import lru_cache

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models

PREFIX = "enc1"


@lru_cache(maxsize=1)
def _keys():
    raw = getattr(settings, "FIELD_ENCRYPTION_KEYS", "") or ""
    keys = {}
    order = []
    for item in filter(None, (part.strip() for part in raw.split(","))):
        key_id, _, b64 = item.partition(":")
        key = base64.b64decode(b64)
        if len(key) != 32:
            raise ImproperlyConfigured(f"Field encryption key {key_id!r} must be 32 bytes.")
        keys[key_id] = key
        order.append(key_id)
    if not keys:
        if not getattr(settings, "FIELD_ENCRYPTION_DERIVE_FROM_SECRET", False):
            raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS is required.")
        keys["dev"] = hashlib.sha256(b"field-encryption:" + settings.SECRET_KEY.encode()).digest()
        order.append("dev")
    return order[0], keys


def reset_key_cache():
    _keys.cache_clear()
    _hash_key.cache_clear()


def current_key_id():
    return _keys()[0]


def encrypt(plaintext):
    if plaintext in (None, ""):
        return plaintext
    key_id, keys = _keys()
    nonce = os.urandom(12)
    sealed = AESGCM(keys[key_id]).encrypt(nonce, plaintext.encode(), key_id.encode())
    return f"{PREFIX}:{key_id}:{base64.b64encode(nonce + sealed).decode()}"


def decrypt(stored):
    if stored in (None, "") or not stored.startswith(PREFIX + ":"):
        return stored  # empty, or written before encryption was enabled
    _, key_id, b64 = stored.split(":", 2)
    keys = _keys()[1]
    if key_id not in keys:
        raise ImproperlyConfigured(
            f"No key {key_id!r} to decrypt a field; keep old keys "
            "configured until rotate_field_keys has run."
        )
    blob = base64.b64decode(b64)
    return AESGCM(keys[key_id]).decrypt(blob[:12], blob[12:], key_id.encode()).decode()


def key_id_of(stored):
    if stored and stored.startswith(PREFIX + ":"):
        return stored.split(":", 2)[1]
    return None


@lru_cache(maxsize=1)
def _hash_key():
    raw = getattr(settings, "FIELD_HASH_KEY", "") or ""
    if raw:
        return base64.b64decode(raw)
    return hashlib.sha256(b"field-hash:" + settings.SECRET_KEY.encode()).digest()


def blind_index(value):
    """Keyed hash for exact search on an encrypted value (normalised: trimmed, case-folded,
    spaces and dashes removed)."""
    if not value:
        return ""
    normal = "".join(ch for ch in value.casefold() if ch not in " -().")
    return hmac.new(_hash_key(), normal.encode(), hashlib.sha256).hexdigest()


def token_digest(secret):
    """Keyed hash of a secret that travels in a URL (a calendar feed link): the database keeps
    only this, like the search indexes; no normalisation, the secret is matched exactly."""
    return hmac.new(_hash_key(), b"token:" + secret.encode(), hashlib.sha256).hexdigest()


class EncryptedTextField(models.TextField):
    """A text field stored encrypted. Transparent to Python code; not filterable by content
    (use a blind index field for exact search)."""

    def from_db_value(self, value, expression, connection):
        return decrypt(value)

    def to_python(self, value):
        return decrypt(value) if isinstance(value, str) else value

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        # Always encrypt: Python code only ever holds plaintext (from_db_value decrypts).
        return encrypt(value) if value else value
