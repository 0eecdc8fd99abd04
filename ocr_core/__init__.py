"""ocr_core: an exact client for NHN Cloud Document OCR (v2.0 and v2.1) behind its digital envelope.

The public surface is re-exported here; ``ocr_core.validators``, ``ocr_core.masking`` and
``ocr_core.imaging`` are imported as submodules. Imports neither streamlit nor plotly.
"""

from .authenticity import AuthenticityRequest
from .client import OcrClient
from .constants import DEFAULT_BASE_URL, DEFAULT_TOKEN_URL, LEGACY_BASE_URL
from .errors import (
    RESULT_CODES,
    ApiError,
    CodeInfo,
    ConnectError,
    ConnectionLostError,
    EnvelopeError,
    InputError,
    MalformedResponseError,
    OcrError,
    ReadTimeoutError,
    SettingsError,
    TokenError,
    TransportError,
    explain,
)
from .models import (
    AuthenticityResult,
    Box,
    CallTrace,
    CardNumberGroup,
    CreditCardResult,
    FieldReading,
    IdCardResult,
    KeyValue,
    PublicKeyInfo,
    RequestKey,
    Service,
)
from .settings import SecretStr, Settings

__all__ = [
    "DEFAULT_BASE_URL",
    "DEFAULT_TOKEN_URL",
    "LEGACY_BASE_URL",
    "RESULT_CODES",
    "ApiError",
    "AuthenticityRequest",
    "AuthenticityResult",
    "Box",
    "CallTrace",
    "CardNumberGroup",
    "CodeInfo",
    "ConnectError",
    "ConnectionLostError",
    "CreditCardResult",
    "EnvelopeError",
    "FieldReading",
    "IdCardResult",
    "InputError",
    "KeyValue",
    "MalformedResponseError",
    "OcrClient",
    "OcrError",
    "PublicKeyInfo",
    "ReadTimeoutError",
    "RequestKey",
    "SecretStr",
    "Service",
    "Settings",
    "SettingsError",
    "TokenError",
    "TransportError",
    "explain",
]
