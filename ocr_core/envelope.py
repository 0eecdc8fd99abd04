"""The digital envelope of NHN Document OCR, as a tiny Fernet-like facade.

One ``Envelope`` serves one request: a fresh 32-byte key from the CSPRNG, wrapped for the server
under the service's RSA public key; the image, the encrypted request fields and the encrypted
response values all travel under that key. The caller never chooses a key, an IV or an algorithm.

Legacy choices imposed by the vendor (docs/vendor-api.md#digital-envelope), not ours:
- the key is wrapped with RSA PKCS#1 v1.5 (RSA/ECB/PKCS1Padding), not OAEP;
- AES-256-CBC with PKCS#7 padding and *no MAC*, with the IV equal to the key's first 16 bytes,
  so every value sealed under one key shares one IV.
We cannot fix the protocol; we keep the surface small, check sizes at the edges and make every
failure to open a value raise the same opaque ``EnvelopeError`` (no padding oracle to probe).
"""

from __future__ import annotations

import base64
import binascii
import secrets
from collections.abc import Callable
from typing import Any, NoReturn

from Crypto.Cipher import AES, PKCS1_v1_5
from Crypto.PublicKey import RSA
from Crypto.Util.Padding import pad, unpad

from .constants import AES_BLOCK_BYTES, IV_BYTES, MIN_RSA_BITS, SYMMETRIC_KEY_BYTES
from .errors import EnvelopeError

__all__ = ["Envelope", "load_private_key", "load_public_key"]

RsaKey = RSA.RsaKey


def _b64decode(text: str | bytes) -> bytes:
    """Strict Base64 (whitespace around the text tolerated)."""
    if isinstance(text, str):
        text = text.strip().encode("ascii", "strict")
    return base64.b64decode(text.strip(), validate=True)


def load_public_key(text: str | bytes) -> RsaKey:
    """An RSA public key from Base64 X.509 SubjectPublicKeyInfo DER (the API's form) or PEM."""
    try:
        raw = text.encode("ascii") if isinstance(text, str) else bytes(text)
        if raw.lstrip().startswith(b"-----BEGIN"):
            key = RSA.import_key(raw)
        else:
            key = RSA.import_key(_b64decode(raw))  # DER, or PEM that was Base64-encoded once more
    except (ValueError, TypeError, IndexError, binascii.Error, UnicodeError) as err:
        raise EnvelopeError("the public key is not a Base64 X.509 or PEM RSA key") from err
    if key.has_private():
        key = key.public_key()
    if key.size_in_bits() < MIN_RSA_BITS:
        raise EnvelopeError(f"the public key is shorter than {MIN_RSA_BITS} bits")
    return key


def load_private_key(data: str | bytes) -> RsaKey:
    """An RSA private key (PEM or DER), for a server opening what clients sealed."""
    try:
        key = RSA.import_key(data)
    except (ValueError, TypeError, IndexError) as err:
        raise EnvelopeError("the private key could not be loaded") from err
    if not key.has_private():
        raise EnvelopeError("a private key is required to open a wrapped key")
    return key


def _fail() -> NoReturn:
    raise EnvelopeError()


class Envelope:
    """One request's symmetric key, its wrapped form and the public-key version it was wrapped for.

    In use::

        env = Envelope.seal(public_key, "3")  # a fresh key
        headers = {"Symmetric-Key": env.wrapped_key_b64, "X-Key-Version": env.key_version}
        sealed_image = env.encrypt(image_bytes)
        card_number = env.decrypt_text(response_value)
    """

    __slots__ = ("_key", "_version", "_wrapped")
    _key: bytes
    _wrapped: bytes
    _version: str

    def __init__(self) -> None:
        raise TypeError("use Envelope.seal(public_key, key_version) or Envelope.open_wrapped(...)")

    @classmethod
    def _build(cls, key: bytes, wrapped: bytes, version: str) -> Envelope:
        if len(key) != SYMMETRIC_KEY_BYTES:
            raise ValueError(f"the symmetric key must be {SYMMETRIC_KEY_BYTES} bytes")
        env = object.__new__(cls)
        env._key = bytes(key)
        env._wrapped = bytes(wrapped)
        env._version = str(version)
        return env

    @classmethod
    def seal(cls, public_key: RsaKey | str | bytes, key_version: str) -> Envelope:
        """A new envelope with a fresh key from the CSPRNG, wrapped under ``public_key``."""
        return cls._seal_with(secrets.token_bytes(SYMMETRIC_KEY_BYTES), public_key, key_version)

    @classmethod
    def _seal_with(
        cls,
        key: bytes,
        public_key: RsaKey | str | bytes,
        key_version: str,
        *,
        randfunc: Callable[[int], bytes] | None = None,
    ) -> Envelope:
        """Private seam: fixed key material (and RSA padding bytes) for known-answer tests."""
        rsa_key = public_key if isinstance(public_key, RsaKey) else load_public_key(public_key)
        if len(key) != SYMMETRIC_KEY_BYTES:
            raise ValueError(f"the symmetric key must be {SYMMETRIC_KEY_BYTES} bytes")
        # Vendor-imposed: RSA PKCS#1 v1.5 key transport (not OAEP).
        wrapped = PKCS1_v1_5.new(rsa_key, randfunc=randfunc).encrypt(key)
        return cls._build(key, wrapped, key_version)

    @classmethod
    def open_wrapped(
        cls, private_key: RsaKey, wrapped_key_b64: str | bytes, key_version: str = ""
    ) -> Envelope:
        """The server's side: unwrap a ``Symmetric-Key`` header. Any failure is one EnvelopeError."""
        try:
            wrapped = _b64decode(wrapped_key_b64)
        except (ValueError, binascii.Error, UnicodeError) as err:
            raise EnvelopeError() from err
        if len(wrapped) != private_key.size_in_bytes():
            _fail()
        sentinel = object()
        key = PKCS1_v1_5.new(private_key).decrypt(wrapped, sentinel, expected_pt_len=SYMMETRIC_KEY_BYTES)
        if not isinstance(key, bytes):  # the sentinel: padding did not check out
            _fail()
        return cls._build(key, wrapped, key_version)

    # -- what goes on the wire -------------------------------------------------------------------
    @property
    def wrapped_key(self) -> bytes:
        return self._wrapped

    @property
    def wrapped_key_b64(self) -> str:
        """The ``Symmetric-Key`` header value."""
        return base64.b64encode(self._wrapped).decode("ascii")

    @property
    def key_version(self) -> str:
        """The ``X-Key-Version`` header value."""
        return self._version

    # -- sealing and opening values ---------------------------------------------------------------
    def _cipher(self) -> Any:
        # Vendor-imposed: CBC without MAC, IV = key[0:16] for every value under this key.
        return AES.new(self._key, AES.MODE_CBC, iv=self._key[:IV_BYTES])

    def encrypt(self, data: bytes) -> bytes:
        """AES-256-CBC/PKCS#7 ciphertext of ``data`` (raw bytes)."""
        ciphertext: bytes = self._cipher().encrypt(pad(bytes(data), AES_BLOCK_BYTES))
        return ciphertext

    def decrypt(self, ciphertext: bytes) -> bytes:
        """The plaintext of raw ciphertext; any failure is the one opaque EnvelopeError."""
        if not ciphertext or len(ciphertext) % AES_BLOCK_BYTES:
            _fail()
        try:
            return unpad(self._cipher().decrypt(bytes(ciphertext)), AES_BLOCK_BYTES)
        except ValueError as err:
            raise EnvelopeError() from err

    def encrypt_b64(self, data: bytes) -> str:
        """Ciphertext as Base64 text (the form of encrypted values in JSON)."""
        return base64.b64encode(self.encrypt(data)).decode("ascii")

    def decrypt_b64(self, text: str | bytes) -> bytes:
        try:
            raw = _b64decode(text)
        except (ValueError, binascii.Error, UnicodeError, AttributeError, TypeError) as err:
            raise EnvelopeError() from err
        return self.decrypt(raw)

    def encrypt_text(self, value: str) -> str:
        """A UTF-8 string sealed as Base64 text."""
        return self.encrypt_b64(value.encode("utf-8"))

    def decrypt_text(self, text: str | bytes) -> str:
        """A Base64 encrypted value opened to a UTF-8 string."""
        plain = self.decrypt_b64(text)
        try:
            return plain.decode("utf-8")
        except UnicodeDecodeError as err:
            raise EnvelopeError() from err

    # -- key material never leaves ---------------------------------------------------------------
    def __repr__(self) -> str:
        return f"Envelope(key_version={self._version!r}, key=[secure])"

    __str__ = __repr__

    def __reduce__(self) -> NoReturn:
        raise TypeError("an Envelope holds key material and cannot be pickled")
