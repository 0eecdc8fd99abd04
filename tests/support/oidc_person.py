"""One person's browser context on a dashboard that signs in through ``oidc-provider-mock``: open a page,
wait for text, sign in as a user of the test's own table (the mock's form takes the subject's e-mail)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlparse


class OidcPerson:
    """A browser context (one person's cookies) at ``viewport``; nothing may leave this machine (the
    IdP's form links a CSS file on a CDN)."""

    def __init__(
        self,
        browser: Any,
        base: str,
        users: Mapping[str, Mapping[str, object]],
        *,
        viewport: Mapping[str, int],
    ) -> None:
        self.base = base
        self.users = users
        self.context = browser.new_context(viewport=dict(viewport))
        self.context.route(re.compile(r"^https?://(?!127\.0\.0\.1[:/]).*"), lambda route: route.abort())
        self.page = self.context.new_page()

    def open(self, path: str = "") -> None:
        self.page.goto(f"{self.base}/{path}", wait_until="domcontentloaded")

    def wait_text(self, text: str, timeout: float = 60_000) -> None:
        self.page.wait_for_function("t => document.body.innerText.includes(t)", arg=text, timeout=timeout)

    def sign_in(self, who: str) -> None:
        """Through the IdP's form, back to the dashboard (its callback done)."""
        self.open()
        self.page.get_by_role("button", name=re.compile("Sign in")).click(timeout=60_000)
        self.page.wait_for_url(re.compile(r"/oauth2/authorize"), timeout=30_000)
        self.page.fill('input[name="sub"]', str(self.users[who]["email"]))
        self.page.get_by_role("button", name="Authorize").click()
        self.page.wait_for_url(
            lambda u: urlparse(u).port == urlparse(self.base).port and "oauth2callback" not in u,
            timeout=30_000,
        )

    def close(self) -> None:
        self.context.close()
