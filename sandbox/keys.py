"""One RSA-2048 key pair per service, generated in memory at start (never written anywhere), versioned.

Only the current version of a service's key is accepted; after :meth:`KeyStore.rotate` a request
naming the previous version is answered 4000301, as the vendor does when its keys rotate. Versions
are decimal strings counting up from "1" (the guide only says ``version`` is a String).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Final, Literal

from cryptography.hazmat.primitives.asymmetric import rsa

from sandbox import crypto

Service = Literal["credit-card", "id-card"]
SERVICES: Final[tuple[Service, ...]] = ("credit-card", "id-card")


@dataclass(frozen=True)
class ServiceKey:
    service: Service
    version: str
    public_b64: str
    private_key: rsa.RSAPrivateKey = field(repr=False)


class KeyStore:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._keys: dict[Service, ServiceKey] = {s: self._generate(s, 1) for s in SERVICES}

    @staticmethod
    def _generate(service: Service, number: int) -> ServiceKey:
        private = crypto.new_private_key()
        return ServiceKey(service, str(number), crypto.public_key_b64(private), private)

    def current(self, service: Service) -> ServiceKey:
        return self._keys[service]

    def rotate(self, service: Service) -> ServiceKey:
        """A fresh key pair with the next version; the previous version stops being accepted."""
        with self._lock:
            key = self._generate(service, int(self._keys[service].version) + 1)
            self._keys[service] = key
            return key

    def versions(self) -> dict[Service, str]:
        return {s: k.version for s, k in self._keys.items()}
