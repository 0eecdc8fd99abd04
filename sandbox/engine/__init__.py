"""Real recognition for the sandbox: RapidOCR for detection and Latin/digits, Tesseract for Hangul."""

from sandbox.engine.types import CardReading, IdReading, OcrEngine, Quad, Reading

__all__ = ["CardReading", "IdReading", "OcrEngine", "Quad", "Reading", "get_engine", "warm_up"]


def get_engine() -> OcrEngine:
    """The process-wide engine, loaded once on first use."""
    from sandbox.engine.recognizer import shared_engine

    return shared_engine()


def warm_up() -> float:
    """Load the models and read one specimen of each kind, so the first request is fast.

    Load the models and run one read of each kind on a specimen, so the first real request finds
    the engine ready (RapidOCR's sessions built, Tesseract's Korean data read, the first inferences'
    one-off costs paid). Returns the seconds it took; safe beside real requests (the engine locks)."""
    import time
    from pathlib import Path

    import cv2
    import numpy as np

    started = time.perf_counter()
    samples = Path(__file__).resolve().parents[2] / "samples"
    engine = get_engine()
    for name, read in (
        ("ids/resident_hong_gildong.png", engine.read_id_card),
        ("cards/visa_blue_flat.png", engine.read_credit_card),
    ):
        bgr = cv2.imread(str(samples / name), cv2.IMREAD_COLOR)
        read(bgr if bgr is not None else np.full((540, 856, 3), 255, np.uint8))
    return time.perf_counter() - started
