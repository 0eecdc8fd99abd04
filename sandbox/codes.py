"""The vendor's result codes as the sandbox answers them, and the one place they are serialised.

Every API answer of the sandbox is HTTP 200 with ``{"header": {...}, "result": ...}``
(docs/vendor-api.md#responses). Backend code raises :class:`SandboxError` with a code from
:data:`MESSAGES`; :func:`api_body` turns a code (and a result, on success) into that body.

The table is the sandbox's own copy of the vendor's list (docs/vendor-api.md#result-codes), on
purpose: the sandbox is an independent implementation that the client is tested against, so a typo in
the client's table must show up as a failing contract test rather than be mirrored here.
"""

from __future__ import annotations

from typing import Any, Final

SUCCESS: Final = 0
FAIL: Final = -1
INVALID_PARAMETER: Final = 4000001
INVALID_FILE: Final = 4000002
INVALID_FILE_TYPE: Final = 4000003
UPLOADED_FILE_IS_EMPTY: Final = 4000004
MISSING_REQUIRED_HEADER: Final = 4000005
API_CALL_LIMIT_EXCEEDED: Final = 4000006
CREDIT_CARD_INFO_NOT_FOUND: Final = 4000111
ID_CARD_INFO_NOT_FOUND: Final = 4000121
AUTHENTICITY_REQUEST_KEY_INVALID: Final = 4000122
REGISTRATION_CARD_AUTHENTICATION_LOCKED: Final = 4000123
INVALID_KEY_VERSION: Final = 4000301
INVALID_SYMMETRIC_KEY: Final = 4000302
INVALID_ENCRYPTED_DATA: Final = 4000303
SERVICE_NOT_ENABLED: Final = 4000401
INVALID_APPKEY_SECRETKEY: Final = 4010001
INVALID_TOKEN: Final = 4010006
PERMISSION_DENIED: Final = 4010007
URL_NOT_FOUND: Final = 4041007
MAX_UPLOAD_SIZE_EXCEEDED: Final = 4131000
INTERNAL_API_FAIL: Final = 5000001
DECRYPT_FAIL: Final = 5000006
ENCRYPT_FAIL: Final = 5000007
API_TEMPORARILY_UNAVAILABLE: Final = 5000503
OCR_CREDIT_CARD_API_FAIL: Final = 5003011
OCR_ID_CARD_API_FAIL: Final = 5003021

MESSAGES: Final[dict[int, str]] = {
    0: "SUCCESS",
    -1: "Unknown error.",
    4000001: "Invalid parameter.",
    4000002: "Invalid file.",
    4000003: "Invalid file type.",
    4000004: "Uploaded file is empty.",
    4000005: "Required headers is missing.",
    4000006: "Api call limit exceeded, If you need to adjust the limit, please contact customer service.",
    4000111: "Credit card info not found.",
    4000121: "Id card info not found.",
    4000122: "Request Key is invalid or expired.",
    4000123: "Registration card authentication is locked.",
    4000301: "Invalid key version.",
    4000302: "Invalid symmetric key.",
    4000303: "Invalid encrypted data.",
    4000401: "Service not enabled. Please submit service use request.",
    4010001: "Invalid appKey or secretKey.",
    4010006: "Invalid token.",
    4010007: "Permission denied.",
    4041007: "URL Not Found",
    4131000: "Request size is larger than permissible limit.",
    5000001: "Internal Api fail.",
    5000006: "Decrypt fail.",
    5000007: "Encrypt fail.",
    5000503: "The API you requested is temporarily unavailable. Please try again later.",
    5003011: "Document(credit card) OCR Api fail.",
    5003012: "Document(credit card) OCR Api returned empty body.",
    5003013: "Document(credit card) OCR Api failed to recognize the document.",
    5003021: "Document(id card) OCR Api fail.",
    5003022: "Document(id card) OCR Api returned empty body.",
    5003023: "Document(id card) OCR Api failed to recognize the document.",
}
"""resultCode -> resultMessage, exactly as the vendor lists them (docs/vendor-api.md#result-codes)."""


class SandboxError(Exception):
    """A failure the sandbox answers with one of the vendor's result codes.

    The message is always the vendor's: details that would help an attacker (which check failed
    inside the envelope) never reach the answer.
    """

    def __init__(self, code: int) -> None:
        if code not in MESSAGES or code == SUCCESS:
            raise ValueError(f"not a documented failure code: {code}")
        super().__init__(MESSAGES[code])
        self.code = code


def api_body(code: int = SUCCESS, result: Any = None) -> dict[str, Any]:
    """The vendor's response body for ``code``; ``result`` is kept only on success."""
    return {
        "header": {"isSuccessful": code == SUCCESS, "resultCode": code, "resultMessage": MESSAGES[code]},
        "result": result if code == SUCCESS else None,
    }
