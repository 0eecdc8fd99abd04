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
        └── SettingsError         missing or invalid settings (credentials, endpoint, version)

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
    """No usable HTTP answer. ``request_sent`` says whether the server may have processed the request;
    ``billable`` whether that request was an analysis or authenticity POST (a public-key GET or a token
    request that fails costs nothing, whatever happened to it). ``host`` names the server tried."""

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
    """The server answered something other than the documented JSON envelope."""

    def __init__(self, message: str, *, status: int | None = None, snippet: str = "") -> None:
        self.status = status
        self.snippet = snippet
        detail = f" (HTTP {status})" if status is not None else ""
        super().__init__(f"{message}{detail}")


class EnvelopeError(OcrError):
    """An envelope could not be opened. Deliberately says nothing about why."""

    def __init__(self, message: str = "the envelope could not be opened") -> None:
        super().__init__(message)


class InputError(OcrError):
    """Local input is unusable (missing image, invalid field); nothing was sent.

    ``rule`` names the rule broken (stable, for a UI to tell it in its own words), ``field`` the API
    field concerned and ``id_type`` the document type it was checked for, when they apply.
    """

    def __init__(self, message: str, *, rule: str | None = None, field: str | None = None,
                 id_type: str | None = None) -> None:
        super().__init__(message)
        self.rule = rule
        self.field = field
        self.id_type = id_type


class SettingsError(InputError):
    """Settings are missing or invalid (credentials, endpoint, API version)."""


@dataclass(frozen=True)
class CodeInfo:
    """One result code: the vendor's key and message, and what it means and what to do, in en/ko."""

    code: int
    key: str
    message: str
    explanation_en: str
    explanation_ko: str
    action_en: str
    action_ko: str
    retry: RetryPolicy = "never"


def _info(code: int, key: str, message: str, expl_en: str, expl_ko: str, act_en: str, act_ko: str,
          retry: RetryPolicy = "never") -> tuple[int, CodeInfo]:
    return code, CodeInfo(code, key, message, expl_en, expl_ko, act_en, act_ko, retry)


_RETRY_LATER_EN = "Try again later; if it persists, contact NHN Cloud support with the time of the call."
_RETRY_LATER_KO = "잠시 후 다시 시도하세요. 계속되면 호출 시각과 함께 NHN Cloud 고객 센터에 문의하세요."
_RETAKE_EN = ("Retake the photo: the whole document, flat, in focus, without glare, "
              "at least 760x480 pixels.")
_RETAKE_KO = "문서 전체가 평평하고 초점이 맞으며 빛 반사가 없도록 760x480 이상으로 다시 촬영하세요."


def _ocr_family(base: int, doc_en: str, doc_ko: str, key_doc: str, msg_doc: str) -> list[tuple[int, CodeInfo]]:
    return [
        _info(base + 1, f"OCR_DOCUMENT_{key_doc}_API_FAIL", f"Document({msg_doc}) OCR Api fail.",
              f"The {doc_en} OCR engine failed while processing the image.",
              f"{doc_ko} OCR 엔진이 이미지를 처리하다 실패했습니다.", _RETRY_LATER_EN, _RETRY_LATER_KO),
        _info(base + 2, f"OCR_DOCUMENT_{key_doc}_RETURN_EMPTY",
              f"Document({msg_doc}) OCR Api returned empty body.",
              f"The {doc_en} OCR engine returned nothing for the image.",
              f"{doc_ko} OCR 엔진이 이미지에 대해 아무것도 반환하지 않았습니다.", _RETAKE_EN, _RETAKE_KO),
        _info(base + 3, f"OCR_DOCUMENT_{key_doc}_RECOGNITION_FAIL",
              f"Document({msg_doc}) OCR Api failed to recognize the document.",
              f"The {doc_en} OCR engine could not recognise the document in the image.",
              f"{doc_ko} OCR 엔진이 이미지에서 문서를 인식하지 못했습니다.", _RETAKE_EN, _RETAKE_KO),
    ]


RESULT_CODES: Mapping[int, CodeInfo] = MappingProxyType(dict([
    _info(0, "SUCCESS", "SUCCESS", "The call succeeded.", "호출이 성공했습니다.",
          "Nothing to do.", "조치할 것이 없습니다."),
    _info(-1, "FAIL", "Unknown error.", "The server failed with an unknown error.",
          "서버에서 알 수 없는 오류가 발생했습니다.", _RETRY_LATER_EN, _RETRY_LATER_KO),
    _info(4000001, "INVALID_PARAMETER", "Invalid parameter.",
          "A request parameter is missing or malformed.",
          "요청 파라미터가 없거나 형식이 잘못되었습니다.",
          "Check the request fields against the guide (for authenticity: idType and the fields it requires).",
          "가이드의 필드 형식을 확인하세요(진위 확인은 idType과 그에 필요한 필드)."),
    _info(4000002, "INVALID_FILE", "Invalid file.",
          "The uploaded file could not be read as an image once decrypted.",
          "업로드한 파일을 복호화한 뒤 이미지로 읽을 수 없습니다.",
          "Send an intact JPEG or PNG encrypted with the request's symmetric key.",
          "손상되지 않은 JPEG 또는 PNG를 요청의 대칭 키로 암호화해 보내세요."),
    _info(4000003, "INVALID_FILE_TYPE", "Invalid file type.",
          "The file type is not accepted; only JPEG and PNG are.",
          "허용되지 않는 파일 형식입니다. JPEG와 PNG만 허용됩니다.",
          "Convert the image to JPEG or PNG.", "이미지를 JPEG 또는 PNG로 변환하세요."),
    _info(4000004, "UPLOADED_FILE_IS_EMPTY", "Uploaded file is empty.",
          "The multipart part 'image' arrived empty.", "multipart의 'image' 파트가 비어 있습니다.",
          "Attach the encrypted image in the multipart part 'image'.",
          "암호화한 이미지를 multipart의 'image' 파트에 첨부하세요."),
    _info(4000005, "MISSING_REQUIRED_HEADER", "Required headers is missing.",
          "A required header is missing (authorization, X-Key-Version, Symmetric-Key or Request-Key).",
          "필수 헤더(인증, X-Key-Version, Symmetric-Key 또는 Request-Key)가 없습니다.",
          "Send every header the call needs.", "호출에 필요한 헤더를 모두 보내세요."),
    _info(4000006, "API_CALL_LIMIT_EXCEEDED",
          "Api call limit exceeded, If you need to adjust the limit, please contact customer service.",
          "The call rate limit of this appKey was exceeded; the call was not processed.",
          "이 앱키의 호출 한도를 초과해 요청이 처리되지 않았습니다.",
          "Wait and retry with backoff; ask NHN Cloud support to raise the limit if needed.",
          "잠시 기다렸다가 간격을 두고 다시 시도하고, 필요하면 고객 센터에 한도 조정을 요청하세요.",
          "backoff"),
    _info(4000111, "CREDIT_CARD_INFO_NOT_FOUND", "Credit card info not found.",
          "No credit card was recognised in the image.", "이미지에서 신용카드를 인식하지 못했습니다.",
          _RETAKE_EN, _RETAKE_KO),
    _info(4000121, "ID_CARD_INFO_NOT_FOUND", "Id card info not found.",
          "No ID card was recognised in the image.", "이미지에서 신분증을 인식하지 못했습니다.",
          _RETAKE_EN, _RETAKE_KO),
    _info(4000122, "AUTHENTICITY_REQUEST_KEY_INVALID", "Request Key is invalid or expired.",
          "The Request-Key is unknown, older than one hour, or already used by a completed check.",
          "Request-Key가 유효하지 않거나, 발급 후 1시간이 지났거나, 이미 진위 확인에 사용되었습니다.",
          "Analyse the ID card again with /id-card (not stand-alone) to obtain a new Request-Key.",
          "신분증 분석(/id-card, 단독 아님)을 다시 호출해 새 Request-Key를 받으세요."),
    _info(4000123, "REGISTRATION_CARD_AUTHENTICATION_LOCKED", "Registration card authentication is locked.",
          "Resident-card authenticity is locked after five wrong issue dates.",
          "발급 일자를 5회 잘못 입력해 주민등록증 진위 확인이 잠겼습니다.",
          "Stop retrying; the lock must be released for the card holder before another check.",
          "재시도를 멈추세요. 해당 신분증의 잠금이 해제된 뒤에 다시 확인할 수 있습니다."),
    _info(4000301, "INVALID_KEY_VERSION", "Invalid key version.",
          "The public-key version sent is no longer valid: the service key has rotated.",
          "보낸 공개 키 버전이 더 이상 유효하지 않습니다. 서비스 키가 교체되었습니다.",
          "Fetch the public key again and resend; the client does this once by itself.",
          "공개 키를 다시 발급받아 재요청하세요. 클라이언트가 한 번 자동으로 수행합니다.",
          "refetch_key"),
    _info(4000302, "INVALID_SYMMETRIC_KEY", "Invalid symmetric key.",
          "The server could not unwrap the Symmetric-Key header.",
          "서버가 Symmetric-Key 헤더를 복호화하지 못했습니다.",
          "Wrap a fresh 32-byte key with RSA PKCS#1 v1.5 under the current public key, Base64-encoded.",
          "새 32바이트 대칭 키를 현재 공개 키로 RSA PKCS#1 v1.5 암호화해 Base64로 보내세요."),
    _info(4000303, "INVALID_ENCRYPTED_DATA", "Invalid encrypted data.",
          "The server could not decrypt the image or an encrypted field.",
          "서버가 이미지 또는 암호화된 필드를 복호화하지 못했습니다.",
          "Encrypt with AES-256-CBC/PKCS#7 under the request's key (IV = its first 16 bytes); "
          "check the image encoding setting (raw or base64).",
          "요청의 대칭 키(IV는 앞 16바이트)로 AES-256-CBC/PKCS#7 암호화했는지, "
          "이미지 인코딩 설정(raw 또는 base64)을 확인하세요."),
    _info(4000401, "SERVICE_NOT_ENABLED", "Service not enabled. Please submit service use request.",
          "Document OCR is not enabled for this project.",
          "이 프로젝트에서 Document OCR 서비스가 활성화되지 않았습니다.",
          "Enable Document OCR (submit the service use request) in the NHN Cloud console.",
          "NHN Cloud 콘솔에서 Document OCR 서비스 이용 신청을 하세요."),
    _info(4010001, "INVALID_APPKEY_SECRETKEY", "Invalid appKey or secretKey.",
          "The appKey or the secretKey is wrong.", "앱키 또는 보안 키가 올바르지 않습니다.",
          "Copy both from the console's 'URL & Appkey' menu.",
          "콘솔 상단 'URL & Appkey' 메뉴에서 두 값을 다시 확인하세요."),
    _info(4010006, "INVALID_TOKEN", "Invalid token.",
          "The v2.1 bearer token is invalid or expired.", "v2.1 Bearer 토큰이 유효하지 않거나 만료되었습니다.",
          "Check the User Access Key; the client issues a new token on the next call.",
          "User Access Key를 확인하세요. 다음 호출에서 클라이언트가 새 토큰을 발급받습니다."),
    _info(4010007, "PERMISSION_DENIED", "Permission denied.",
          "These credentials are not allowed to use this API.",
          "이 인증 정보로는 이 API를 사용할 권한이 없습니다.",
          "Grant the user or User Access Key a role on the project in the console.",
          "콘솔에서 해당 사용자 또는 User Access Key에 프로젝트 권한을 부여하세요."),
    _info(4041007, "URL_NOT_FOUND", "URL Not Found",
          "The path does not exist on this endpoint.", "이 엔드포인트에 해당 경로가 없습니다.",
          "Check the base URL, the API version (v2.0 or v2.1) and the appKey in the path.",
          "기본 URL, API 버전(v2.0 또는 v2.1), 경로의 앱키를 확인하세요."),
    _info(4131000, "MAX_UPLOAD_SIZE_EXCEEDED", "Request size is larger than permissible limit.",
          "The upload is larger than the API accepts.", "업로드 크기가 API 허용 한도를 넘었습니다.",
          "Shrink or recompress the image below 20 MB (5 MB on the legacy limits).",
          "이미지를 20MB(예전 한도는 5MB) 미만으로 줄이거나 다시 압축하세요."),
    _info(5000001, "INTERNAL_API_FAIL", "Internal Api fail.",
          "An internal API of the service failed.", "서비스 내부 API가 실패했습니다.",
          _RETRY_LATER_EN, _RETRY_LATER_KO),
    _info(5000006, "DECRYPT_FAIL", "Decrypt fail.",
          "The server failed to decrypt the request.", "서버가 요청을 복호화하지 못했습니다.",
          "Check the envelope (key wrapping, AES mode, image encoding) and try again with a fresh key.",
          "전자 봉투(키 암호화, AES 모드, 이미지 인코딩)를 확인하고 새 대칭 키로 다시 시도하세요."),
    _info(5000007, "ENCRYPT_FAIL", "Encrypt fail.",
          "The server failed to encrypt the result.", "서버가 결과를 암호화하지 못했습니다.",
          _RETRY_LATER_EN, _RETRY_LATER_KO),
    _info(5000503, "API_TEMPORARILY_UNAVAILABLE",
          "The API you requested is temporarily unavailable. Please try again later.",
          "The API is temporarily unavailable; the call was not processed.",
          "API를 일시적으로 사용할 수 없어 요청이 처리되지 않았습니다.",
          "Retry after a pause; the client retries a bounded number of times by itself.",
          "잠시 후 다시 시도하세요. 클라이언트가 정해진 횟수만큼 자동으로 재시도합니다.",
          "backoff"),
    *_ocr_family(5003010, "credit-card", "신용카드", "CREDIT_CARD", "credit card"),
    *_ocr_family(5003020, "ID-card", "신분증", "ID_CARD", "id card"),
]))


def explain(code: int) -> CodeInfo:
    """The CodeInfo of any result code; codes the guide does not list get a generic, honest entry."""
    info = RESULT_CODES.get(code)
    if info is not None:
        return info
    return CodeInfo(
        code, "UNKNOWN_RESULT_CODE", "",
        f"The API answered result code {code}, which its documentation does not list.",
        f"API가 문서에 없는 결과 코드 {code}로 응답했습니다.",
        _RETRY_LATER_EN, _RETRY_LATER_KO,
    )


class ApiError(OcrError):
    """The API answered with ``isSuccessful: false``; carries the vendor's words and ours."""

    def __init__(self, result_code: int, vendor_message: str = "", *, key: str | None = None) -> None:
        info = explain(result_code)
        self.result_code = result_code
        self.key = key or info.key
        self.vendor_message = vendor_message or info.message
        self.explanation_en = info.explanation_en
        self.explanation_ko = info.explanation_ko
        self.action_en = info.action_en
        self.action_ko = info.action_ko
        self.retry: RetryPolicy = info.retry
        super().__init__(f"{result_code} {self.key}: {self.vendor_message} — {info.explanation_en} "
                         f"{info.action_en}")


class TokenError(ApiError):
    """The token endpoint (v2.1) did not issue a token. ``result_code`` is 4010006 (INVALID_TOKEN)."""

    def __init__(self, detail: str, *, status: int | None = None) -> None:
        self.status = status
        super().__init__(4010006, f"token not issued: {detail}")
