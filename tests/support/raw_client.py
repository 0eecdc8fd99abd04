"""A raw client of the sandbox's wire protocol, written from the vendor's guide with pycryptodome (not
``ocr_core``), and the small images the protocol tests send: shared by the sandbox, client and door tests.
The deterministic stand-in engine is ``harness.readings.FakeEngine``."""

from __future__ import annotations

import base64
import os
import struct
import zlib
from typing import Any

import cv2
import numpy as np
import requests
from Crypto.Cipher import AES, PKCS1_v1_5
from Crypto.PublicKey import RSA
from Crypto.Util.Padding import pad, unpad

APP_KEY = "sandbox-appkey"
SECRET = "sandbox-secretkey"


# -- a raw client, written from the guide ---------------------------------------------------------
def png(width: int = 800, height: int = 500) -> bytes:
    img = np.full((height, width, 3), 200, np.uint8)
    cv2.putText(img, "4111 1111 1111 1111", (40, height // 2), cv2.FONT_HERSHEY_SIMPLEX, 1.2, (0, 0, 0), 2)
    return cv2.imencode(".png", img)[1].tobytes()


def jpeg(width: int = 640, height: int = 400) -> bytes:
    return cv2.imencode(".jpg", np.full((height, width, 3), 120, np.uint8))[1].tobytes()


def png_bomb(width: int = 100_000, height: int = 100_000) -> bytes:
    """A valid PNG header announcing a huge image, with a tiny (wrong) data stream."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b"\0" * 64))
        + chunk(b"IEND", b"")
    )


def aes_encrypt(key: bytes, data: bytes) -> bytes:
    return AES.new(key, AES.MODE_CBC, iv=key[:16]).encrypt(pad(data, 16))


def aes_decrypt_b64(key: bytes, value: str) -> str:
    return unpad(AES.new(key, AES.MODE_CBC, iv=key[:16]).decrypt(base64.b64decode(value)), 16).decode()


def wrap(public_b64: str, key: bytes) -> str:
    rsa = RSA.import_key(base64.b64decode(public_b64))
    return base64.b64encode(PKCS1_v1_5.new(rsa).encrypt(key)).decode()


class RawClient:
    def __init__(self, base_url: str, session: requests.Session | None = None) -> None:
        self.base = base_url
        self.http = session or requests.Session()

    def url(self, route: str, app_key: str = APP_KEY, version: str = "v2.0") -> str:
        return f"{self.base}/{version}/appkeys/{app_key}/{route}"

    def public_key(self, service: str) -> dict[str, Any]:
        body = self.http.get(
            self.url(f"public-keys/{service}"), headers={"Authorization": SECRET}, timeout=10
        ).json()
        assert body["header"]["resultCode"] == 0, body
        return body["result"]

    def envelope(self, service: str, key: bytes | None = None) -> tuple[bytes, dict[str, str]]:
        pub = self.public_key(service)
        key = key if key is not None else os.urandom(32)
        return key, {
            "Authorization": SECRET,
            "X-Key-Version": pub["version"],
            "Symmetric-Key": wrap(pub["key"], key),
        }

    def post_image(
        self,
        route: str,
        image: bytes,
        *,
        base64_part: bool = False,
        headers: dict[str, str] | None = None,
        key: bytes | None = None,
        raw_part: bytes | None = None,
    ) -> tuple[bytes, requests.Response]:
        service = "credit-card" if route == "credit-card" else "id-card"
        key, hdrs = self.envelope(service, key)
        hdrs.update(headers or {})
        hdrs = {k: v for k, v in hdrs.items() if v is not None}
        part = raw_part if raw_part is not None else aes_encrypt(key, image)
        if base64_part:
            part = base64.b64encode(part)
        resp = self.http.post(self.url(route), files={"image": ("image", part)}, headers=hdrs, timeout=30)
        return key, resp


def code_of(resp: requests.Response) -> int:
    assert resp.status_code == 200, resp.text
    body = resp.json()
    assert set(body["header"]) == {"isSuccessful", "resultCode", "resultMessage"}
    assert body["header"]["isSuccessful"] is (body["header"]["resultCode"] == 0)
    return int(body["header"]["resultCode"])
