"""The envelope against independent implementations (the `cryptography` package and the `openssl`
command), fixed known-answer vectors, and property tests for round trips and damaged input."""

from __future__ import annotations

import base64
import contextlib
import pickle
import shutil
import subprocess
from pathlib import Path

import pytest
from Crypto.PublicKey import RSA
from Crypto.Util.number import getPrime
from cryptography.hazmat.primitives import padding as sym_padding
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import padding as asym_padding
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ocr_core import EnvelopeError
from ocr_core.envelope import Envelope, load_private_key, load_public_key

KEY = bytes(range(32))
OPENSSL = shutil.which("openssl")
needs_openssl = pytest.mark.skipif(OPENSSL is None, reason="the openssl command is not installed")


@pytest.fixture(scope="module")
def private_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture(scope="module")
def public_b64(private_key: rsa.RSAPrivateKey) -> str:
    der = private_key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return base64.b64encode(der).decode()


@pytest.fixture(scope="module")
def pem_files(private_key: rsa.RSAPrivateKey, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("keys")
    priv, pub = folder / "priv.pem", folder / "pub.pem"
    priv.write_bytes(
        private_key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    pub.write_bytes(
        private_key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )
    return priv, pub


def crypto_aes_decrypt(key: bytes, ciphertext: bytes) -> bytes:
    dec = Cipher(algorithms.AES(key), modes.CBC(key[:16])).decryptor()
    unpadder = sym_padding.PKCS7(128).unpadder()
    return unpadder.update(dec.update(ciphertext) + dec.finalize()) + unpadder.finalize()


def crypto_aes_encrypt(key: bytes, plaintext: bytes) -> bytes:
    padder = sym_padding.PKCS7(128).padder()
    enc = Cipher(algorithms.AES(key), modes.CBC(key[:16])).encryptor()
    return enc.update(padder.update(plaintext) + padder.finalize()) + enc.finalize()


def openssl(*args: str, data: bytes) -> bytes:
    assert OPENSSL is not None
    done = subprocess.run([OPENSSL, *args], input=data, capture_output=True, timeout=20, check=True)
    return done.stdout


# -- known answers (computed once with `openssl enc -aes-256-cbc -K 0001..1f -iv 0001..0f`) --------
AES_VECTORS = [
    ("Document OCR known answer", "4VwDE13SYyF6OAY5EyKHTMeon1RFpziXvgQBvGsaG54="),
    ("", "6cPvirI0U+bwdJzWNueojg=="),
    ("0123456789abcdef", "4j/AuRx71kQlxVlzbpsMWEhewdanHmFZMjJdZQbsNwA="),
    ("홍길동", "4M4i6YhcfrJI4w1Dm6BT9w=="),
]


@pytest.mark.parametrize("plain,expected", AES_VECTORS)
def test_aes_known_answers(public_b64: str, plain: str, expected: str) -> None:
    env = Envelope._seal_with(KEY, public_b64, "1")
    assert env.encrypt_text(plain) == expected
    assert env.decrypt_text(expected) == plain


def test_rsa_wrap_known_answer_against_textbook_rsa(private_key: rsa.RSAPrivateKey, public_b64: str) -> None:
    """With the padding bytes fixed to 0x01, the wrapped key must equal EM^e mod n, EM = 00 02 PS 00 key."""
    env = Envelope._seal_with(KEY, public_b64, "7", randfunc=lambda n: b"\x01" * n)
    numbers = private_key.public_key().public_numbers()
    k = (numbers.n.bit_length() + 7) // 8
    em = b"\x00\x02" + b"\x01" * (k - len(KEY) - 3) + b"\x00" + KEY
    expected = pow(int.from_bytes(em, "big"), numbers.e, numbers.n).to_bytes(k, "big")
    assert env.wrapped_key == expected
    assert base64.b64decode(env.wrapped_key_b64) == expected
    assert env.key_version == "7"


# -- the cryptography package opens what we seal, and the reverse ----------------------------------
def test_cryptography_opens_what_we_seal(private_key: rsa.RSAPrivateKey, public_b64: str) -> None:
    env = Envelope.seal(public_b64, "3")
    key = private_key.decrypt(env.wrapped_key, asym_padding.PKCS1v15())
    assert len(key) == 32
    image = bytes(range(256)) * 50
    assert crypto_aes_decrypt(key, env.encrypt(image)) == image
    assert crypto_aes_decrypt(key, base64.b64decode(env.encrypt_text("김민수"))).decode() == "김민수"


def test_we_open_what_cryptography_seals(private_key: rsa.RSAPrivateKey) -> None:
    key = bytes(reversed(range(32)))
    wrapped = private_key.public_key().encrypt(key, asym_padding.PKCS1v15())
    ours = load_private_key(
        private_key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    env = Envelope.open_wrapped(ours, base64.b64encode(wrapped), "9")
    value = base64.b64encode(crypto_aes_encrypt(key, b"4111111111111111")).decode()
    assert env.decrypt_text(value) == "4111111111111111"


# -- the openssl command, both directions -----------------------------------------------------------
@needs_openssl
def test_openssl_opens_what_we_seal(public_b64: str, pem_files: tuple[Path, Path]) -> None:
    priv, _ = pem_files
    env = Envelope.seal(public_b64, "1")
    key = openssl(
        "pkeyutl", "-decrypt", "-inkey", str(priv), "-pkeyopt", "rsa_padding_mode:pkcs1", data=env.wrapped_key
    )
    assert len(key) == 32
    image = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40
    plain = openssl(
        "enc", "-d", "-aes-256-cbc", "-K", key.hex(), "-iv", key[:16].hex(), data=env.encrypt(image)
    )
    assert plain == image


@needs_openssl
def test_we_open_what_openssl_seals(private_key: rsa.RSAPrivateKey, pem_files: tuple[Path, Path]) -> None:
    priv, pub = pem_files
    key = bytes(range(100, 132))
    wrapped = openssl(
        "pkeyutl", "-encrypt", "-pubin", "-inkey", str(pub), "-pkeyopt", "rsa_padding_mode:pkcs1", data=key
    )
    env = Envelope.open_wrapped(load_private_key(priv.read_bytes()), base64.b64encode(wrapped))
    ciphertext = openssl(
        "enc", "-aes-256-cbc", "-K", key.hex(), "-iv", key[:16].hex(), data="2020.03.15 서울특별시".encode()
    )
    assert env.decrypt(ciphertext).decode() == "2020.03.15 서울특별시"


# -- keys and key material ---------------------------------------------------------------------------
def test_every_seal_uses_a_fresh_key(public_b64: str) -> None:
    a, b = Envelope.seal(public_b64, "1"), Envelope.seal(public_b64, "1")
    assert a.wrapped_key != b.wrapped_key
    assert a.encrypt(b"same image") != b.encrypt(b"same image")


def test_public_key_forms(public_b64: str, pem_files: tuple[Path, Path]) -> None:
    _, pub = pem_files
    pem = pub.read_text()
    n = load_public_key(public_b64).n
    assert load_public_key(pem).n == n
    assert load_public_key(base64.b64encode(pem.encode()).decode()).n == n
    for bad in ["", "not base64!", base64.b64encode(b"garbage").decode()]:
        with pytest.raises(EnvelopeError):
            load_public_key(bad)


def test_short_rsa_keys_are_refused() -> None:
    p, q = getPrime(256), getPrime(256)
    weak = RSA.construct((p * q, 65537)).export_key("DER")
    with pytest.raises(EnvelopeError, match="shorter"):
        load_public_key(base64.b64encode(weak).decode())


def test_key_material_never_in_repr_or_pickle(public_b64: str) -> None:
    env = Envelope._seal_with(KEY, public_b64, "5")
    text = repr(env) + str(env)
    assert "[secure]" in text and KEY.hex() not in text and env.wrapped_key_b64 not in text
    with pytest.raises(TypeError):
        pickle.dumps(env)
    with pytest.raises(TypeError):
        Envelope()


def test_wrong_key_sizes_are_refused(public_b64: str) -> None:
    with pytest.raises(ValueError):
        Envelope._seal_with(b"\x00" * 16, public_b64, "1")


# -- one opaque error --------------------------------------------------------------------------------
def test_every_failure_to_open_is_the_same_error(public_b64: str, private_key: rsa.RSAPrivateKey) -> None:
    env = Envelope._seal_with(KEY, public_b64, "1")
    good = env.encrypt(b"payload")
    bad_padding = good[:-16] + bytes(16)
    messages = set()
    for attempt in (
        lambda: env.decrypt(b""),
        lambda: env.decrypt(good[:-1]),
        lambda: env.decrypt(bad_padding),
        lambda: env.decrypt_b64("@@@"),
        lambda: env.decrypt_text(env.encrypt_b64(b"\xff\xfe")),
        lambda: env.decrypt_b64(None),  # type: ignore[arg-type]
    ):
        with pytest.raises(EnvelopeError) as info:
            attempt()
        messages.add(str(info.value))
    assert messages == {"the envelope could not be opened"}
    ours = load_private_key(
        private_key.private_bytes(
            serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    for wrapped in (b"", base64.b64encode(b"x" * 256), base64.b64encode(b"x" * 10), b"%%%"):
        with pytest.raises(EnvelopeError):
            Envelope.open_wrapped(ours, wrapped)


# -- properties --------------------------------------------------------------------------------------
FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@FAST
@given(data=st.binary(max_size=600), key=st.binary(min_size=32, max_size=32))
def test_round_trip_bytes(public_b64: str, data: bytes, key: bytes) -> None:
    env = Envelope._seal_with(key, public_b64, "1")
    assert env.decrypt(env.encrypt(data)) == data
    assert env.decrypt_b64(env.encrypt_b64(data)) == data
    assert crypto_aes_decrypt(key, env.encrypt(data)) == data


@FAST
@given(text=st.text(max_size=80))
def test_round_trip_text(public_b64: str, text: str) -> None:
    env = Envelope.seal(public_b64, "1")
    assert env.decrypt_text(env.encrypt_text(text)) == text


@FAST
@given(data=st.binary(min_size=1, max_size=200), position=st.integers(min_value=0), flip=st.integers(1, 255))
def test_tampered_ciphertext_never_yields_the_original(
    public_b64: str, data: bytes, position: int, flip: int
) -> None:
    """CBC without a MAC (vendor-imposed) cannot always detect tampering; what it must do is raise
    only the one opaque error, and never hand back the original as if nothing happened."""
    env = Envelope._seal_with(KEY, public_b64, "1")
    sealed = bytearray(env.encrypt(data))
    sealed[position % len(sealed)] ^= flip
    try:
        opened = env.decrypt(bytes(sealed))
    except EnvelopeError:
        return
    assert opened != data


@FAST
@given(data=st.binary(min_size=1, max_size=200), cut=st.integers(min_value=1))
def test_truncated_ciphertext_raises_only_the_one_error(public_b64: str, data: bytes, cut: int) -> None:
    env = Envelope._seal_with(KEY, public_b64, "1")
    sealed = env.encrypt(data)
    short = sealed[: len(sealed) - 1 - cut % len(sealed)]
    try:
        opened = env.decrypt(short)
    except EnvelopeError:
        return
    assert len(short) % 16 == 0 and opened != data


@FAST
@given(text=st.text(max_size=40))
def test_arbitrary_text_raises_only_the_one_error(public_b64: str, text: str) -> None:
    env = Envelope._seal_with(KEY, public_b64, "1")
    with contextlib.suppress(EnvelopeError):
        env.decrypt_text(text)
