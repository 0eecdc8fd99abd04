"""NHN Cloud, mocked only at the network edge: its hosts (``*.nhncloudservice.com``) served by a local
sandbox. The client under test is configured exactly as for the real cloud (``https://api-ocr.
nhncloudservice.com``) and reaches it through an HTTPS proxy, as behind a company's egress proxy
(``HTTPS_PROXY``); the proxy answers ``CONNECT`` for NHN's hosts only, terminates TLS with a
throw-away certificate the client is told to trust (``REQUESTS_CA_BUNDLE``) and pipes the plain HTTP
to the sandbox, whose journal counts what arrived. Nothing in the product knows it is a test."""

from __future__ import annotations

import asyncio
import ssl
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from urllib.parse import urlsplit

from tests.support.tls_proxy import self_signed_certificate

CLOUD_URL = "https://api-ocr.nhncloudservice.com"
CLOUD_HOSTS = ("api-ocr.nhncloudservice.com", "ocr.api.nhncloudservice.com", "oauth.api.nhncloudservice.com")


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    except (ConnectionError, OSError, ssl.SSLError):
        pass
    finally:
        with suppress(Exception):
            writer.close()


@contextmanager
def cloud_edge(sandbox_url: str, folder: Path) -> Iterator[dict[str, str]]:
    """Run the edge until the block ends; yield the environment a client needs to reach "NHN Cloud"."""
    folder.mkdir(parents=True, exist_ok=True)
    cert, key = self_signed_certificate(folder, CLOUD_HOSTS, stem="nhncloud")
    tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    tls.load_cert_chain(cert, key)
    upstream = urlsplit(sandbox_url)
    loop = asyncio.new_event_loop()

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            head = await reader.readuntil(b"\r\n\r\n")
            method, target, _ = head.split(b"\r\n", 1)[0].decode("latin-1").split(" ", 2)
            host = target.rsplit(":", 1)[0].lower()
            if method != "CONNECT" or host not in CLOUD_HOSTS:
                writer.write(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                await writer.drain()
                writer.close()
                return
            writer.write(b"HTTP/1.1 200 Connection established\r\n\r\n")
            await writer.drain()
            await writer.start_tls(tls)
            up_reader, up_writer = await asyncio.open_connection(upstream.hostname, upstream.port)
            await asyncio.gather(_pipe(reader, up_writer), _pipe(up_reader, writer))
        except (ConnectionError, OSError, ssl.SSLError, asyncio.IncompleteReadError, ValueError):
            with suppress(Exception):
                writer.close()

    server = loop.run_until_complete(asyncio.start_server(handle, "127.0.0.1", 0))
    port = server.sockets[0].getsockname()[1]
    thread = threading.Thread(target=loop.run_forever, name="cloud-edge", daemon=True)
    thread.start()
    try:
        yield {
            "HTTPS_PROXY": f"http://127.0.0.1:{port}",
            "https_proxy": f"http://127.0.0.1:{port}",
            "REQUESTS_CA_BUNDLE": str(cert),
            "NO_PROXY": "127.0.0.1,localhost",
            "no_proxy": "127.0.0.1,localhost",
        }
    finally:

        async def close() -> None:
            server.close()
            await server.wait_closed()

        with suppress(Exception):
            asyncio.run_coroutine_threadsafe(close(), loop).result(timeout=5)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=5)
        loop.close()
