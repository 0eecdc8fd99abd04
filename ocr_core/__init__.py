"""ocr_core: an exact client for NHN Cloud Document OCR (v2.0 and v2.1) behind its digital envelope."""
from .errors import (
    RESULT_CODES, ApiError, CodeInfo, ConnectError, ConnectionLostError, EnvelopeError, InputError,
    MalformedResponseError, OcrError, ReadTimeoutError, SettingsError, TokenError, TransportError, explain,
)

__all__ = [
    "OcrError", "TransportError", "ConnectError", "ReadTimeoutError", "ConnectionLostError", "ApiError",
    "TokenError", "MalformedResponseError", "EnvelopeError", "InputError", "SettingsError",
    "RESULT_CODES", "CodeInfo", "explain",
]
