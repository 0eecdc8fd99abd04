"""Real recognition for the sandbox: RapidOCR for detection and Latin/digits, Tesseract for Hangul."""
from sandbox.engine.types import CardReading, IdReading, OcrEngine, Quad, Reading

__all__ = ["CardReading", "IdReading", "OcrEngine", "Quad", "Reading", "get_engine"]


def get_engine() -> OcrEngine:
    """The process-wide engine, loaded once on first use."""
    from sandbox.engine.recognizer import shared_engine

    return shared_engine()
