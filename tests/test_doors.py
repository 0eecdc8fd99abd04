"""Every door sends what ``ocr_core.pipeline`` prepared: the command line and the dashboard's pages
strip a photo's GPS position and refuse a 40 000×40 000 PNG bomb before any request reaches the
server — counted at the sandbox itself (``SandboxBackend.journal``)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from harness.readings import FakeEngine
from sandbox.config import SandboxConfig
from sandbox.server import RunningSandbox, start_sandbox
from tests.support.apptest import SAMPLES, assert_clean, open_page, texts
from tests.support.uploads import carries_gps, photo_with_gps, png_bomb

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.timeout(180)


@pytest.fixture(scope="module")
def bomb_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("doors") / "bomb.png"
    path.write_bytes(png_bomb())
    return path


@pytest.fixture(scope="module")
def cli_sandbox() -> Iterator[RunningSandbox]:
    with start_sandbox(SandboxConfig(engine=FakeEngine(), seed_dir=None, keep_uploads=True)) as running:
        yield running


def cli(running: RunningSandbox, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NHN_OCR_")}
    env.update(
        NHN_OCR_BASE_URL=running.base_url,
        NHN_OCR_APPKEY=running.app_key,
        NHN_OCR_SECRETKEY=running.secret_key,
    )
    return subprocess.run(
        [sys.executable, "-m", "ocr_core", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.slow  # a CLI process, or real OCR through the sandbox
@pytest.mark.parametrize("command", ["credit-card", "id-card"])
def test_cli_strips_gps_before_sending(cli_sandbox: RunningSandbox, tmp_path: Path, command: str) -> None:
    photo = tmp_path / "phone.jpg"
    photo.write_bytes(photo_with_gps(trailing=b"MOTION" * 100))
    cli_sandbox.backend.reset()
    done = cli(cli_sandbox, command, str(photo))
    assert done.returncode == 0, done.stderr
    arrived = cli_sandbox.backend.journal.uploads()
    assert len(arrived) == 1 and not carries_gps(arrived[0]) and b"MOTION" not in arrived[0]


@pytest.mark.slow  # a CLI process, or real OCR through the sandbox
@pytest.mark.parametrize("command", [["credit-card"], ["id-card"], ["id-card", "--stand-alone"]])
def test_cli_refuses_a_bomb_before_any_request(
    cli_sandbox: RunningSandbox, bomb_file: Path, command: list[str]
) -> None:
    cli_sandbox.backend.reset()
    done = cli(cli_sandbox, command[0], str(bomb_file), *command[1:])
    assert done.returncode == 4, (done.stdout, done.stderr)
    assert "40000×40000" in done.stderr
    assert cli_sandbox.backend.journal.calls() == 0  # not even the public key was fetched


def _upload(at, prefix: str, name: str, data: bytes, mime: str):
    at.segmented_control(key=f"{prefix}_source").set_value("upload").run()
    at.file_uploader(key=f"{prefix}_upload").upload(name, data, mime).run()
    assert_clean(at)
    return at


@pytest.mark.parametrize(("page", "prefix"), [("pages/credit_card.py", "cc"), ("pages/stand_alone.py", "sa")])
def test_pages_refuse_a_bomb_before_any_request(
    sandbox: RunningSandbox, page: str | None, prefix: str
) -> None:
    before = sandbox.backend.journal.calls()
    at = _upload(open_page(page), prefix, "bomb.png", png_bomb(), "image/png")
    assert any("40000×40000" in e for e in texts(at.error)), texts(at.error)
    assert not [b for b in at.button if b.key == f"{prefix}_analyze"]
    assert sandbox.backend.journal.calls() == before


@pytest.mark.slow  # a CLI process, or real OCR through the sandbox
def test_compare_page_refuses_a_bomb_before_any_request(sandbox: RunningSandbox) -> None:
    before = sandbox.backend.journal.calls()
    at = _upload(open_page("pages/compare.py"), "cmpA", "bomb.png", png_bomb(), "image/png")
    assert any("40000×40000" in e for e in texts(at.error)), texts(at.error)
    assert at.button(key="cmp_analyze").disabled
    assert sandbox.backend.journal.calls() == before


@pytest.mark.slow  # a CLI process, or real OCR through the sandbox
def test_page_sends_a_photo_without_its_gps(sandbox: RunningSandbox) -> None:
    import cv2

    bgr = cv2.imread(str(SAMPLES / "cards/visa_blue_flat.png"))
    sandbox.backend.journal.keep()
    try:
        at = _upload(
            open_page("pages/credit_card.py"),
            "cc",
            "phone.jpg",
            photo_with_gps(bgr, trailing=b"MOTION" * 100),
            "image/jpeg",
        )
        at.button(key="cc_analyze").click().run()
        assert_clean(at)
        arrived = sandbox.backend.journal.uploads()
    finally:
        sandbox.backend.journal.keep(False)
    assert len(arrived) == 1 and not carries_gps(arrived[0]) and b"MOTION" not in arrived[0]
