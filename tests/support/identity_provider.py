"""A real OpenID Connect provider for the tests: ``oidc-provider-mock`` (PyPI) on a loopback port.

It signs real ID tokens, serves discovery and JWKS, and shows an authorisation form where the browser
types the subject to sign in as; ``set_user`` gives a subject its claims (e-mail, name, groups).
"""

from __future__ import annotations

import json
import threading
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass


@dataclass(frozen=True)
class RunningProvider:
    issuer: str

    @property
    def metadata_url(self) -> str:
        return f"{self.issuer}/.well-known/openid-configuration"

    def set_user(self, sub: str, claims: Mapping[str, object]) -> None:
        req = urllib.request.Request(
            f"{self.issuer}/users/{sub}",
            data=json.dumps(dict(claims)).encode(),
            method="PUT",
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(req, timeout=10) as resp:
            assert resp.status == 204, resp.status


@contextmanager
def identity_provider() -> Iterator[RunningProvider]:
    """Serve the provider on 127.0.0.1 (only) until the block ends."""
    import werkzeug.serving
    from oidc_provider_mock import app

    server = werkzeug.serving.make_server("127.0.0.1", 0, app(require_nonce=True), threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
    thread.start()
    try:
        yield RunningProvider(issuer=f"http://127.0.0.1:{server.server_port}")
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
