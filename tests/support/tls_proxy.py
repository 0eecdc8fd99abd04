"""Debian's nginx in front of a dashboard, for the tests: the repository's own
``deploy/nginx/studio.conf`` rendered with a self-signed certificate and a free loopback port."""

from __future__ import annotations

import datetime as dt
import ipaddress
import os
import re
import shutil
import signal
import socket
import ssl
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
TEMPLATE = ROOT / "deploy" / "nginx" / "studio.conf"
SSO_TEMPLATE = ROOT / "deploy" / "nginx" / "sso-proxy.conf"


def nginx_available() -> bool:
    return Path(NGINX).exists()


def self_signed_certificate(
    folder: Path, hosts: tuple[str, ...] = ("localhost",), stem: str = "studio"
) -> tuple[Path, Path]:
    """A throw-away certificate for 127.0.0.1 and ``hosts`` (made with ``cryptography``); it is its own
    CA, so a client can trust exactly it (``REQUESTS_CA_BUNDLE``)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "studio.test")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [*(x509.DNSName(h) for h in hosts), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / f"{stem}.crt", folder / f"{stem}.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    key_path.chmod(0o600)
    return cert_path, key_path


DEPLOYMENT_DOC = ROOT / "docs" / "deployment.md"


def documented_envsubst(template: Path) -> str:
    """The variable list ``docs/deployment.md`` gives ``envsubst`` for ``template`` (its commands render
    ``envsubst '${…} ${…}' < deploy/nginx/<name>``), whitespace as one space."""
    doc = DEPLOYMENT_DOC.read_text(encoding="utf-8")
    rel = template.relative_to(ROOT).as_posix()
    found = re.search(r"envsubst '([^']*)'\s*<\s*" + re.escape(rel), doc)
    if found is None:
        raise LookupError(f"{DEPLOYMENT_DOC.name} gives no envsubst command for {rel}")
    return " ".join(found.group(1).split())


def render_template(template: Path, values: dict[str, str]) -> str:
    """``template`` rendered as the deployment guide does: Debian's ``envsubst`` with the guide's own
    variable list (nginx's ``$vars`` stay), ``values`` in its environment."""
    done = subprocess.run(
        ["envsubst", documented_envsubst(template)],
        input=template.read_text(encoding="utf-8"),
        env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), **values},
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    )
    return done.stdout


def render_site(
    upstream_ports: list[int], https_port: int, cert: Path, key: Path, sso_snippets: Path, access_log: Path
) -> str:
    return render_template(
        TEMPLATE,
        {
            "STUDIO_SERVER_NAME": "127.0.0.1 localhost",
            "STUDIO_TLS_CERT": str(cert),
            "STUDIO_TLS_KEY": str(key),
            "STUDIO_HTTPS_PORT": f"127.0.0.1:{https_port}",
            "STUDIO_SSO_SNIPPETS": str(sso_snippets / "*.conf"),
            "STUDIO_ACCESS_LOG": str(access_log),
            "STUDIO_UPSTREAMS": "\n    ".join(f"server 127.0.0.1:{p};" for p in upstream_ports),
        },
    )


@dataclass(frozen=True)
class SsoProxy:
    """The SSO-proxy variant: ``deploy/nginx/sso-proxy.conf`` asking ``upstream`` (an oauth2-proxy, or
    the tests' stand-in) who the visitor is, and proving itself to the dashboard with ``secret``."""

    upstream: str
    secret: str


def _wait_for_tls(port: int, proc: subprocess.Popen, log: Path, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    ctx = ssl.create_default_context()
    ctx.check_hostname, ctx.verify_mode = False, ssl.CERT_NONE
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"nginx exited: {log.read_text(errors='replace')[-2000:]}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as raw, ctx.wrap_socket(raw):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("nginx did not answer TLS in time")


@contextmanager
def nginx_proxy(
    upstream_ports: list[int], https_port: int, folder: Path, sso: SsoProxy | None = None
) -> Iterator[str]:
    """Run nginx (foreground, its own prefix in ``folder``) until the block ends; yield its https URL."""
    folder.mkdir(parents=True, exist_ok=True)
    cert, key = self_signed_certificate(folder)
    snippets = folder / "sso"
    snippets.mkdir(exist_ok=True)
    if sso is not None:
        snippet = snippets / "studio-sso.conf"
        snippet.touch(mode=0o600)
        snippet.write_text(
            render_template(
                SSO_TEMPLATE, {"STUDIO_SSO_UPSTREAM": sso.upstream, "STUDIO_PROXY_SECRET": sso.secret}
            ),
            encoding="utf-8",
        )
    (folder / "site.conf").write_text(
        render_site(upstream_ports, https_port, cert, key, snippets, folder / "studio-access.log"),
        encoding="utf-8",
    )
    temp = folder / "temp"
    temp.mkdir(exist_ok=True)
    log = folder / "error.log"
    # As root, nginx's workers would drop to "nobody", who cannot enter pytest's private temp folders.
    user = "user root;" if os.geteuid() == 0 else ""
    (folder / "nginx.conf").write_text(
        f"""
{user}
worker_processes 1;
pid {folder}/nginx.pid;
error_log {log} info;
events {{ worker_connections 256; }}
http {{
    access_log {folder}/access.log;
    client_body_temp_path {temp}/body;
    proxy_temp_path {temp}/proxy;
    fastcgi_temp_path {temp}/fastcgi;
    uwsgi_temp_path {temp}/uwsgi;
    scgi_temp_path {temp}/scgi;
    include {folder}/site.conf;
}}
""",
        encoding="utf-8",
    )
    proc = subprocess.Popen(
        [NGINX, "-p", str(folder), "-c", str(folder / "nginx.conf"), "-g", "daemon off;"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        _wait_for_tls(https_port, proc, log)
        yield f"https://127.0.0.1:{https_port}"
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
