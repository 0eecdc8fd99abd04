"""The exception tree of ``ocr_core`` and the table of the API's result codes.

::

    OcrError                      root: catch this to catch everything ocr_core raises
    ├── TransportError            no usable HTTP answer came back
    │   ├── ConnectError          the request surely never reached the server (refused, DNS, connect timeout)
    │   ├── ReadTimeoutError      sent, but no answer in time: it may have been processed (and billed)
    │   └── ConnectionLostError   the connection dropped mid-exchange: it may have been processed
    ├── ApiError                  the API answered with a failure header (result_code != 0)
    │   └── TokenError            the v2.1 token endpoint refused to issue a bearer token
    ├── MalformedResponseError    an answer that is not the documented JSON (HTML 502, truncated, no header)
    ├── EnvelopeError             an envelope could not be opened (one opaque error; no padding oracle)
    └── InputError                bad local input, refused before anything is sent
        ├── SettingsError         missing or invalid settings (credentials, endpoint, version)
        └── ImageRejected         (``ocr_core.imaging``) an image refused before it is sent; ``code``:
                                  empty, too_large, not_image, unsupported_type, bomb, corrupt,
                                  too_small (under ``constants.MIN_IMAGE_SIDE`` px on a side)

Foreign exceptions (requests, json, pycryptodome) are translated where they arise, always with
``raise ... from err``; ``ocr_core.client`` holds the single translation point for ``requests``.
Messages never contain key material, secrets or personal data.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Literal

RetryPolicy = Literal["never", "backoff", "refetch_key"]


class OcrError(Exception):
    """Root of every error raised by ocr_core."""


class TransportError(OcrError):
    """No usable HTTP answer.

    ``request_sent`` says whether the server may have processed the request; ``billable`` whether that
    request was an analysis or authenticity POST (a public-key GET or a token request that fails costs
    nothing, whatever happened to it). ``host`` names the server tried."""

    request_sent: bool | None = None
    billable: bool = False
    host: str = ""


class ConnectError(TransportError):
    """The connection could not be opened; the request never reached the server."""

    request_sent = False


class ReadTimeoutError(TransportError):
    """The request was sent but no answer came in time. Never resent automatically (billing)."""

    request_sent = True


class ConnectionLostError(TransportError):
    """The connection dropped after the request may have been sent."""

    request_sent = None


class MalformedResponseError(OcrError):
    """The server answered something other than the documented JSON envelope.

    ``status`` (HTTP) and ``content_type`` (what the answer said it was) are kept when known: they tell a
    proxy's HTML error page from a service's broken JSON, and both are in the message."""

    def __init__(self, message: str, *, status: int | None = None, content_type: str | None = None) -> None:
        self.status = status
        self.content_type = content_type
        facts = [f"HTTP {status}"] if status is not None else []
        facts += [content_type] if content_type else []
        super().__init__(f"{message} ({', '.join(facts)})" if facts else message)


class EnvelopeError(OcrError):
    """An envelope could not be opened. Deliberately says nothing about why."""

    def __init__(self, message: str = "the envelope could not be opened") -> None:
        super().__init__(message)


class InputError(OcrError):
    """Local input is unusable (missing image, invalid field); nothing was sent.

    ``rule`` names the rule broken (stable, for a UI to tell it in its own words: the catalogue's
    ``input.<rule>`` or ``au.err.<rule>``), ``params`` its facts, ``field`` the API field concerned and
    ``id_type`` the document type it was checked for, when they apply. The message is English for logs
    and developers; people see the rule worded by ``l10n.input_problem``.
    """

    def __init__(
        self,
        message: str,
        *,
        rule: str | None = None,
        field: str | None = None,
        id_type: str | None = None,
        params: Mapping[str, object] | None = None,
    ) -> None:
        super().__init__(message)
        self.rule = rule
        self.field = field
        self.id_type = id_type
        self.params: Mapping[str, object] = MappingProxyType(dict(params or {}))


class SettingsError(InputError):
    """Settings are missing or invalid (credentials, endpoint, API version)."""


@dataclass(frozen=True)
class CodeInfo:
    """One result code: the vendor's key and message, and how a client may retry it.

    What it means and what to do are the UI's words (catalogue ``code.<code>.explanation`` / ``.action``)."""

    code: int
    key: str
    message: str
    """The vendor's own ``resultMessage`` (English, as the guide prints it)."""
    retry: RetryPolicy = "never"


def _info(code: int, key: str, message: str, retry: RetryPolicy = "never") -> tuple[int, CodeInfo]:
    return code, CodeInfo(code, key, message, retry)


RESULT_CODES: Mapping[int, CodeInfo] = MappingProxyType(
    dict(
        [
            _info(0, "SUCCESS", "SUCCESS"),
            _info(-1, "FAIL", "Unknown error."),
            _info(4000001, "INVALID_PARAMETER", "Invalid parameter."),
            _info(4000002, "INVALID_FILE", "Invalid file."),
            _info(4000003, "INVALID_FILE_TYPE", "Invalid file type."),
            _info(4000004, "UPLOADED_FILE_IS_EMPTY", "Uploaded file is empty."),
            _info(4000005, "MISSING_REQUIRED_HEADER", "Required headers is missing."),
            _info(
                4000006,
                "API_CALL_LIMIT_EXCEEDED",
                "Api call limit exceeded, If you need to adjust the limit, please contact customer service.",
                "backoff",
            ),
            _info(4000111, "CREDIT_CARD_INFO_NOT_FOUND", "Credit card info not found."),
            _info(4000121, "ID_CARD_INFO_NOT_FOUND", "Id card info not found."),
            _info(4000122, "AUTHENTICITY_REQUEST_KEY_INVALID", "Request Key is invalid or expired."),
            _info(
                4000123,
                "REGISTRATION_CARD_AUTHENTICATION_LOCKED",
                "Registration card authentication is locked.",
            ),
            _info(4000301, "INVALID_KEY_VERSION", "Invalid key version.", "refetch_key"),
            _info(4000302, "INVALID_SYMMETRIC_KEY", "Invalid symmetric key."),
            _info(4000303, "INVALID_ENCRYPTED_DATA", "Invalid encrypted data."),
            _info(4000401, "SERVICE_NOT_ENABLED", "Service not enabled. Please submit service use request."),
            _info(4010001, "INVALID_APPKEY_SECRETKEY", "Invalid appKey or secretKey."),
            _info(4010006, "INVALID_TOKEN", "Invalid token."),
            _info(4010007, "PERMISSION_DENIED", "Permission denied."),
            _info(4041007, "URL_NOT_FOUND", "URL Not Found"),
            _info(4131000, "MAX_UPLOAD_SIZE_EXCEEDED", "Request size is larger than permissible limit."),
            _info(5000001, "INTERNAL_API_FAIL", "Internal Api fail."),
            _info(5000006, "DECRYPT_FAIL", "Decrypt fail."),
            _info(5000007, "ENCRYPT_FAIL", "Encrypt fail."),
            _info(
                5000503,
                "API_TEMPORARILY_UNAVAILABLE",
                "The API you requested is temporarily unavailable. Please try again later.",
                "backoff",
            ),
            _info(5003011, "OCR_DOCUMENT_CREDIT_CARD_API_FAIL", "Document(credit card) OCR Api fail."),
            _info(
                5003012,
                "OCR_DOCUMENT_CREDIT_CARD_RETURN_EMPTY",
                "Document(credit card) OCR Api returned empty body.",
            ),
            _info(
                5003013,
                "OCR_DOCUMENT_CREDIT_CARD_RECOGNITION_FAIL",
                "Document(credit card) OCR Api failed to recognize the document.",
            ),
            _info(5003021, "OCR_DOCUMENT_ID_CARD_API_FAIL", "Document(id card) OCR Api fail."),
            _info(
                5003022, "OCR_DOCUMENT_ID_CARD_RETURN_EMPTY", "Document(id card) OCR Api returned empty body."
            ),
            _info(
                5003023,
                "OCR_DOCUMENT_ID_CARD_RECOGNITION_FAIL",
                "Document(id card) OCR Api failed to recognize the document.",
            ),
        ]
    )
)


def explain(code: int) -> CodeInfo:
    """The CodeInfo of any result code; codes the guide does not list get ``UNKNOWN_RESULT_CODE``."""
    info = RESULT_CODES.get(code)
    if info is not None:
        return info
    return CodeInfo(code, "UNKNOWN_RESULT_CODE", "")


class ApiError(OcrError):
    """The API answered with ``isSuccessful: false``: its code, key and message, and the retry policy.

    The UI and CLI explain the code in the user's language (``l10n.api_error``)."""

    def __init__(self, result_code: int, vendor_message: str = "", *, key: str | None = None) -> None:
        info = explain(result_code)
        self.result_code = result_code
        self.key = key or info.key
        self.vendor_message = vendor_message or info.message
        self.retry: RetryPolicy = info.retry
        super().__init__(f"{result_code} {self.key}: {self.vendor_message}")


class TokenError(ApiError):
    """The token endpoint (v2.1) did not issue a token. ``result_code`` is 4010006 (INVALID_TOKEN)."""

    def __init__(self, detail: str, *, status: int | None = None) -> None:
        self.status = status
        super().__init__(4010006, f"token not issued: {detail}")
