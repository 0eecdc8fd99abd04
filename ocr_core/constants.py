"""Every default of ``ocr_core`` in one place: endpoints, timeouts, retries, limits, names. Public: the
application reads the same limits (``MAX_IMAGE_BYTES``, ``NORMAL_RESOLUTION``, the endpoints) from here."""

from __future__ import annotations

from datetime import timedelta
from typing import Final

# Endpoints (docs/vendor-api.md#endpoints).
DEFAULT_BASE_URL: Final = "https://api-ocr.nhncloudservice.com"
LEGACY_BASE_URL: Final = "https://ocr.api.nhncloudservice.com"
DEFAULT_TOKEN_URL: Final = "https://oauth.api.nhncloudservice.com/oauth2/token/create"

# Every host under this suffix is NHN Cloud's own: calls to it are billed.
NHN_CLOUD_HOST_SUFFIX: Final = ".nhncloudservice.com"

API_VERSIONS: Final = ("v2.0", "v2.1")
DEFAULT_API_VERSION: Final = "v2.0"
IMAGE_ENCODINGS: Final = ("raw", "base64")
DEFAULT_IMAGE_ENCODING: Final = "raw"

# Timeouts are always set (seconds): connect, then read. Connecting is quick or it is not going to
# happen (a firewall or a dead proxy); an analysis may take the API a while to answer, but a public-key
# GET or a token request is small and answers at once, so it gets a short read timeout of its own.
DEFAULT_CONNECT_TIMEOUT: Final = 3.0
DEFAULT_READ_TIMEOUT: Final = 30.0
SMALL_CALL_READ_TIMEOUT: Final = 8.0

# Retries: bounded; which failures qualify is decided per result code (errors.RESULT_CODES).
DEFAULT_MAX_RETRIES: Final = 2
DEFAULT_BACKOFF_BASE: Final = 0.5  # seconds; doubles per attempt
MAX_BACKOFF: Final = 8.0

# v2.1 bearer tokens are renewed this long before they expire (or at half-life if shorter).
TOKEN_REFRESH_MARGIN: Final = 60.0

# The Request-Key of /id-card is valid for one hour after issue.
REQUEST_KEY_LIFETIME: Final = timedelta(hours=1)

# Uploads: JPEG or PNG, at most 20 MB on the current endpoint.
MAX_IMAGE_BYTES: Final = 20 * 1024 * 1024
JPEG_MAGIC: Final = b"\xff\xd8\xff"
PNG_MAGIC: Final = b"\x89PNG\r\n\x1a\n"

# The smallest image worth a billed call: below MIN_IMAGE_SIDE pixels on its short side an image is refused
# locally (``ImageRejected("too_small")``), before anything is sent. Neither the vendor's guide nor its later
# notes state a minimum (docs/vendor-api.md#images names only the 760×480 line of ``resolution``, which stays
# a quality *warning*), so the number comes from what can be read at all: the smallest pixel font that still
# tells all ten digits apart is 3×5 px, and a card's number is about 1/12 of the card's height (4.5 mm of 54
# mm; an ID card's text is smaller still), so a card whose number is legible at all is at least 5 × 12 = 60 px
# high. 32 px is half of that — room for a tight crop — and an image this small (a 1×1 tracking pixel, a
# thumbnail, a sweep's 0.05× of a card) holds digits under 3 px tall, which no reader, human or OCR, can tell
# apart: the call could only fail.
MIN_IMAGE_SIDE: Final = 32

# The API's resolution line (docs/vendor-api.md#responses): ``normal`` when the long side is at least 760 px
# and the short side at least 480 px, else ``low``.
NORMAL_RESOLUTION: Final = (760, 480)

# Envelope sizes.
SYMMETRIC_KEY_BYTES: Final = 32
IV_BYTES: Final = 16
AES_BLOCK_BYTES: Final = 16
MIN_RSA_BITS: Final = 1024

USER_AGENT: Final = "document-ocr-studio/0.1 ocr_core"
LOGGER_NAME: Final = "ocr_core"

# Headers whose values never reach a log.
SENSITIVE_HEADERS: Final = frozenset(
    {"authorization", "x-nhn-authorization", "symmetric-key", "request-key", "cookie", "set-cookie"}
)

# Environment variables read by Settings.from_env.
ENV_BASE_URL: Final = "NHN_OCR_BASE_URL"
ENV_APPKEY: Final = "NHN_OCR_APPKEY"
ENV_SECRETKEY: Final = "NHN_OCR_SECRETKEY"
ENV_API_VERSION: Final = "NHN_OCR_API_VERSION"
ENV_UAK_ID: Final = "NHN_OCR_UAK_ID"
ENV_UAK_SECRET: Final = "NHN_OCR_UAK_SECRET"
ENV_TOKEN_URL: Final = "NHN_OCR_TOKEN_URL"
ENV_IMAGE_ENCODING: Final = "NHN_OCR_IMAGE_ENCODING"
