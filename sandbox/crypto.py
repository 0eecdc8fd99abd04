"""The server half of the vendor's digital envelope, written with ``cryptography``.

The client (``ocr_core.envelope``) uses pycryptodome; this module deliberately uses another
library so that the two sides are independent implementations of the same envelope and a shared
misunderstanding cannot pass the contract tests.

Legacy choices imposed by the vendor, reproduced as they are: the symmetric key is wrapped with
RSA PKCS#1 v1.5 (no OAEP), and values are AES-256-CBC with PKCS#7 padding, no MAC, and the IV is
the first 16 bytes of the key. With OpenSSL >= 3.2 a PKCS#1 v1.5 unwrap of a foreign ciphertext
does not fail but yields a pseudo-random message (implicit rejection, the Marvin-attack
countermeasure); that almost always has the wrong length (4000302) and otherwise fails to decrypt
the payload (4000303), which is the behaviour a client can observe from the vendor too.
"""

from __future__ import annotations

import base64
import binascii
import re

from cryptography.hazmat.primitives import padding as sym_padding
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import padding as rsa_padding
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

KEY_BYTES = 32
IV_BYTES = 16
BLOCK_BYTES = 16
RSA_BITS = 2048

_BASE64_TEXT = re.compile(rb"\s*(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?\s*")


class EnvelopeOpenError(Exception):
    """Any failure to open an envelope; deliberately says nothing about which step failed."""


def new_private_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=RSA_BITS)


def public_key_b64(private_key: rsa.RSAPrivateKey) -> str:
    """The public key as the vendor hands it out: Base64 of X.509 SubjectPublicKeyInfo DER."""
    der = private_key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return base64.b64encode(der).decode("ascii")


def strict_b64decode(text: str | bytes) -> bytes:
    """Base64 (standard alphabet, padded, surrounding whitespace allowed) or EnvelopeOpenError."""
    try:
        raw = text.encode("ascii") if isinstance(text, str) else text
    except UnicodeEncodeError as err:  # e.g. a name sent in clear where ciphertext belongs
        raise EnvelopeOpenError from err
    if not _BASE64_TEXT.fullmatch(raw):
        raise EnvelopeOpenError
    try:
        return base64.b64decode(raw.strip(), validate=True)
    except (binascii.Error, ValueError) as err:
        raise EnvelopeOpenError from err


def unwrap_symmetric_key(private_key: rsa.RSAPrivateKey, header_value: str) -> bytes:
    """The 32-byte AES key inside a ``Symmetric-Key`` header (Base64 of RSA PKCS#1 v1.5)."""
    wrapped = strict_b64decode(header_value)
    try:
        key = private_key.decrypt(wrapped, rsa_padding.PKCS1v15())
    except ValueError as err:
        raise EnvelopeOpenError from err
    if len(key) != KEY_BYTES:
        raise EnvelopeOpenError
    return key


def _cipher(key: bytes) -> Cipher[modes.CBC]:
    if len(key) != KEY_BYTES:
        raise ValueError("the symmetric key must be 32 bytes")
    return Cipher(algorithms.AES(key), modes.CBC(key[:IV_BYTES]))


def aes_decrypt(key: bytes, ciphertext: bytes) -> bytes:
    """AES-256-CBC (IV = key[:16]) then PKCS#7 unpadding; EnvelopeOpenError on any failure."""
    if not ciphertext or len(ciphertext) % BLOCK_BYTES:
        raise EnvelopeOpenError
    decryptor = _cipher(key).decryptor()
    padded = decryptor.update(ciphertext) + decryptor.finalize()
    unpadder = sym_padding.PKCS7(BLOCK_BYTES * 8).unpadder()
    try:
        return unpadder.update(padded) + unpadder.finalize()
    except ValueError as err:
        raise EnvelopeOpenError from err


def aes_encrypt(key: bytes, plaintext: bytes) -> bytes:
    padder = sym_padding.PKCS7(BLOCK_BYTES * 8).padder()
    padded = padder.update(plaintext) + padder.finalize()
    encryptor = _cipher(key).encryptor()
    return encryptor.update(padded) + encryptor.finalize()


def encrypt_value(key: bytes, value: str) -> str:
    """A response value as the guide ships it: Base64 of AES-CBC of its UTF-8 bytes."""
    return base64.b64encode(aes_encrypt(key, value.encode("utf-8"))).decode("ascii")


def decrypt_value(key: bytes, value: str) -> str:
    """A request value marked encrypted (authenticity fields): Base64 -> AES-CBC -> UTF-8."""
    plain = aes_decrypt(key, strict_b64decode(value))
    try:
        return plain.decode("utf-8")
    except UnicodeDecodeError as err:
        raise EnvelopeOpenError from err


def image_ciphertext(part: bytes) -> bytes:
    """The encrypted image from a multipart part holding either raw ciphertext or its Base64 text.

    Raw AES output consisting only of Base64 characters is astronomically unlikely, so a part that
    is valid Base64 and decodes to whole AES blocks is taken as Base64 text.
    """
    if _BASE64_TEXT.fullmatch(part):
        try:
            decoded = base64.b64decode(part.strip(), validate=True)
        except (binascii.Error, ValueError):
            return part
        if decoded and len(decoded) % BLOCK_BYTES == 0:
            return decoded
    return part
