"""An item's image made again from its source, shown only when its SHA-256 matches what was sent; and
the plain reason (with the stored size, for a neutral canvas) when it cannot be."""

from __future__ import annotations

import hashlib
import threading

import pytest
from sqlalchemy import update

from ocr_core import OcrClient, Settings
from ocr_core.imaging import load_image
from qa.analysis import load_run
from qa.images import HeldUploads, ItemSource, item_image, neutral_canvas
from qa.runner import RunSpec, Source, create_run, execute_run, sent_payload
from qa.spool import Spool
from sandbox.faults import Faults
from store import Item, session_factory
from tests.support.apptest import SAMPLES

CARD = SAMPLES / "cards" / "visa_blue_flat.png"
pytestmark = pytest.mark.slow


def _source(run, it) -> ItemSource:
    return ItemSource(
        run["id"],
        it.source,
        it.source_kind,
        it.source_path,
        it.sha256,
        it.degradation,
        it.level,
        bool(run["preprocess"]),
        it.sent_sha256,
        it.sent_width,
        it.sent_height,
    )


@pytest.fixture
def finished(sandbox, tmp_path):
    """A run of a CLI file, a specimen and an upload, each as given and at two sweep levels."""
    factory = session_factory(f"sqlite:///{tmp_path / 'runs.db'}")
    spool = Spool(factory)
    file = tmp_path / "card.png"
    file.write_bytes(CARD.read_bytes())
    sources = [
        Source("card.png", file.read_bytes(), kind="file", path=str(file)),
        Source("visa_blue_flat.png", CARD.read_bytes(), kind="specimen", path="cards/visa_blue_flat.png"),
        Source("upload.png", CARD.read_bytes()),
    ]
    spec = RunSpec(
        "credit-card", "sandbox", sandbox.base_url, "v2.0", sweep=[("noise", [0, 20]), ("rotate", [8])]
    )
    run_id = create_run(factory, spec, sources, spool)
    sandbox.backend.set_faults(Faults(result_code=5000001, rate=1.0, route="credit-card"))  # no OCR needed
    try:
        with OcrClient(
            Settings(base_url=sandbox.base_url, app_key=sandbox.app_key, secret_key=sandbox.secret_key)
        ) as c:
            assert execute_run(factory, run_id, c, spool) == "done"
    finally:
        sandbox.backend.set_faults(Faults())
    data = load_run(factory, run_id)
    assert len(data.items) == 9 and all(i.sent_sha256 for i in data.items)
    return factory, spool, file, data


def test_specimen_file_and_held_upload_come_back_exactly_as_sent(finished):
    _, spool, _, data = finished
    held = HeldUploads()
    held.put(data.run["id"], {2: CARD.read_bytes()})
    for it in data.items:
        picture = item_image(_source(data.run, it), samples=SAMPLES, spool=spool, held=held)
        assert picture.reason is None, (it.source_kind, it.degradation)
        assert picture.bgr is not None and picture.bgr.shape[:2] == (it.sent_height, it.sent_width)
    rotated = next(i for i in data.items if i.degradation == "rotate")
    assert rotated.sent_width > rotated.width  # the rotated image is larger: its boxes' frame is stored


def test_without_its_source_an_item_says_why_and_keeps_its_size(finished):
    factory, spool, file, data = finished
    run = data.run
    upload = next(i for i in data.items if i.source_kind == "upload" and i.degradation == "noise")
    gone = item_image(_source(run, upload), samples=SAMPLES, spool=spool, held=HeldUploads())
    assert gone.reason == "upload_gone" and gone.bgr is None
    assert (gone.width, gone.height) == (upload.sent_width, upload.sent_height)
    assert neutral_canvas(gone.width, gone.height).shape == (upload.sent_height, upload.sent_width, 3)

    from_file = next(i for i in data.items if i.source_kind == "file" and i.degradation == "rotate")
    file.write_bytes(file.read_bytes() + b"\0")  # changed since the run
    assert item_image(_source(run, from_file), samples=SAMPLES).reason == "source_changed"
    file.unlink()
    assert item_image(_source(run, from_file), samples=SAMPLES).reason == "source_gone"

    specimen = next(i for i in data.items if i.source_kind == "specimen" and i.degradation == "noise")
    with factory() as s:  # what it sent is not what its source makes any more
        s.execute(update(Item).where(Item.id == specimen.id).values(sent_sha256="0" * 64))
        s.commit()
    tampered = next(i for i in load_run(factory, run["id"]).items if i.id == specimen.id)
    assert item_image(_source(run, tampered), samples=SAMPLES).reason == "differs"


def test_sweep_levels_are_deterministic_across_threads():
    source = load_image(CARD.read_bytes())
    digests: list[str] = []

    def make() -> None:
        for name, level in (("noise", 25.0), ("blur", 2.5), ("rotate", 12.0), ("jpeg", 30.0)):
            digests.append(name + hashlib.sha256(sent_payload(source, name, level, None).data).hexdigest())

    threads = [threading.Thread(target=make) for _ in range(4)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert len(set(digests)) == 4  # four levels, each made alike by every thread


def test_a_converted_file_comes_back_as_sent_and_is_recorded_by_its_own_digest(sandbox, tmp_path):
    """A HEIC photo and a PDF scan are recorded by the SHA-256 of the file as the user has it (not of
    the JPEG/PNG made from it), so reading the file again later finds it unchanged and shows its image."""
    import io

    from PIL import Image

    from tests.support.uploads import heic

    factory = session_factory(f"sqlite:///{tmp_path / 'runs.db'}")
    spool = Spool(factory)
    card = Image.open(CARD).convert("RGB")
    pdf = io.BytesIO()
    card.save(pdf, "PDF")
    files = {"card.heic": heic(card), "scan.pdf": pdf.getvalue()}
    for name, content in files.items():
        (tmp_path / name).write_bytes(content)
    sources = [
        Source(name, content, kind="file", path=str(tmp_path / name)) for name, content in files.items()
    ]
    spec = RunSpec("credit-card", "sandbox", sandbox.base_url, "v2.0", sweep=[("noise", [0, 20])])
    run_id = create_run(factory, spec, sources, spool)
    sandbox.backend.set_faults(Faults(result_code=5000001, rate=1.0, route="credit-card"))  # no OCR needed
    try:
        with OcrClient(
            Settings(base_url=sandbox.base_url, app_key=sandbox.app_key, secret_key=sandbox.secret_key)
        ) as c:
            assert execute_run(factory, run_id, c, spool) == "done"
    finally:
        sandbox.backend.set_faults(Faults())
    data = load_run(factory, run_id)
    assert len(data.items) == 4
    for it in data.items:
        assert it.sha256 == hashlib.sha256(files[it.image]).hexdigest()
        picture = item_image(_source(data.run, it), samples=SAMPLES, spool=spool)
        assert picture.reason is None and picture.bgr is not None, (it.image, it.degradation, picture.reason)
