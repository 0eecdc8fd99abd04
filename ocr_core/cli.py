"""``python -m ocr_core``: drive NHN Document OCR (or the sandbox) from the command line.

::

    python -m ocr_core [--base-url URL] [--app-key K] [--secret-key S] [--api-version v2.0|v2.1]
                       [--json] [--unmasked] [--user NAME] COMMAND ...
      public-key {credit-card|id-card}
      credit-card IMAGE
      id-card IMAGE [--stand-alone]
      verify --request-key RK --id-type {resident|driver|passport} --name NAME
             [--resident-number N] [--issue-date YYYYMMDD] [--driver-license-number N]
             [--serial-num N] [--passport-number N] [--birth-date YYYYMMDD] [--expiration-date YYYYMMDD]

Options fall back to the ``NHN_OCR_*`` environment variables. ``--json`` prints one JSON object
shaped like the API's response with every encrypted value decrypted (plus ``requestKey`` after an
ID analysis), masked unless ``--unmasked``.

Against NHN Cloud (an ``*.nhncloudservice.com`` endpoint) every analysis is billed, so it goes through
the meter of the application that ships this library (``CliHooks``, found through the ``ocr_core.cli``
entry point; the library imports no application package). The studio's (``access.ocr_cli``) counts it
against the same per-user daily and deployment monthly quotas as the dashboard and leaves one audit row
with ``where = "cli"``; the user is ``--user``, else ``STUDIO_USER``, else the operating-system account.
With no meter installed a billed call is refused before anything is sent (exit 2). The same hooks word
errors in ``--lang`` (the studio's catalogue); without them messages are the library's English.

Exit codes: 0 success; 1 the API answered a failure (or a value it sent could not be opened);
2 usage or settings; 3 network, timeout, or an answer that is not the API's JSON (e.g. a proxy's
HTML 502); 4 bad local input (missing or unreadable image, invalid field) or a call refused before
sending because the quota is used up.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any, Protocol, TextIO, TypeVar

from . import constants as C
from .authenticity import ID_TYPES, AuthenticityRequest
from .client import OcrClient
from .envelope import load_public_key
from .errors import (
    ApiError,
    EnvelopeError,
    InputError,
    MalformedResponseError,
    OcrError,
    SettingsError,
    TransportError,
    explain,
)
from .imaging import ImageRejected
from .models import AuthenticityResult, CreditCardResult, IdCardResult, PublicKeyInfo
from .pipeline import prepare
from .services import SERVICES
from .settings import Settings, nhn_cloud_endpoint

EXIT_OK, EXIT_API, EXIT_USAGE, EXIT_NETWORK, EXIT_INPUT = 0, 1, 2, 3, 4
R = TypeVar("R")

ENTRY_POINT_GROUP = "ocr_core.cli"
"""Where an application registers its ``CliHooks`` (``[project.entry-points."ocr_core.cli"]``)."""


class Meter(Protocol):
    """The door a billed call goes through: takes its quota before sending, records it after."""

    def call(
        self,
        service: str,
        call: Callable[[], R],
        *,
        image: bytes | None = None,
        request_key: str | None = None,
    ) -> R: ...


@dataclass(frozen=True)
class CliHooks:
    """What an application adds to ``python -m ocr_core``; every part is optional.

    ``meter(client, user, masked)`` opens the door of a billed call (``--user`` or None; whether values are
    masked), raising ``SettingsError`` when it cannot (nothing is sent); ``describe(err, lang)`` words an
    error in ``lang`` (None: the library's English); ``api_error(code, lang)`` explains a result code as
    (explanation, action); ``langs`` are the choices of ``--lang``."""

    meter: Callable[[Any, str | None, bool], Meter] | None = None
    describe: Callable[[OcrError, str], str | None] | None = None
    api_error: Callable[[int, str], tuple[str, str]] | None = None
    langs: tuple[str, ...] = ("en",)


def installed_hooks() -> CliHooks:
    """The hooks registered under ``ENTRY_POINT_GROUP`` (the first), else none."""
    for point in sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda p: p.name):
        hooks = point.load()
        if isinstance(hooks, CliHooks):
            return hooks
    return CliHooks()


def build_parser(langs: Sequence[str] = ("en",)) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m ocr_core", description="NHN Cloud Document OCR from the command line."
    )
    parser.add_argument(
        "--base-url",
        help=f"API endpoint URL, or 'current' / 'legacy' (env {C.ENV_BASE_URL}; "
        f"default {C.DEFAULT_BASE_URL})",
    )
    parser.add_argument("--app-key", help=f"appKey (env {C.ENV_APPKEY})")
    parser.add_argument("--secret-key", help=f"secretKey for v2.0 (env {C.ENV_SECRETKEY})")
    parser.add_argument(
        "--api-version", choices=C.API_VERSIONS, help=f"env {C.ENV_API_VERSION}; default v2.0"
    )
    parser.add_argument("--uak-id", help=f"User Access Key ID for v2.1 (env {C.ENV_UAK_ID})")
    parser.add_argument("--uak-secret", help=f"User Access Key secret for v2.1 (env {C.ENV_UAK_SECRET})")
    parser.add_argument("--token-url", help=f"v2.1 token endpoint (env {C.ENV_TOKEN_URL})")
    parser.add_argument(
        "--image-encoding",
        choices=C.IMAGE_ENCODINGS,
        help="the image part as raw ciphertext (default) or its Base64 text",
    )
    parser.add_argument(
        "--connect-timeout", type=float, help=f"seconds (default {C.DEFAULT_CONNECT_TIMEOUT:g})"
    )
    parser.add_argument("--read-timeout", type=float, help=f"seconds (default {C.DEFAULT_READ_TIMEOUT:g})")
    parser.add_argument("--json", action="store_true", help="print the API-shaped JSON")
    parser.add_argument("--unmasked", action="store_true", help="show personal data unmasked")
    parser.add_argument("--lang", choices=list(langs), default="en", help="language of messages (default en)")
    parser.add_argument("-v", "--verbose", action="store_true", help="log requests and retry decisions")
    parser.add_argument(
        "--user",
        help="whose quota a billed call spends, for the audit trail "
        "(env STUDIO_USER; default the operating-system account)",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    key = commands.add_parser("public-key", help="fetch a service's public key and version")
    key.add_argument("service", choices=SERVICES)

    card = commands.add_parser("credit-card", help="analyse a credit card (billed)")
    card.add_argument("image", type=Path, help="JPEG or PNG file")

    id_card = commands.add_parser("id-card", help="analyse an ID card (billed)")
    id_card.add_argument("image", type=Path, help="JPEG or PNG file")
    id_card.add_argument("--stand-alone", action="store_true", help="no Request-Key, billed less")

    verify = commands.add_parser("verify", help="check an ID card's authenticity (billed)")
    verify.add_argument("--request-key", required=True, help="the Request-Key of an id-card analysis")
    verify.add_argument("--id-type", required=True, choices=ID_TYPES)
    verify.add_argument("--name", required=True)
    for option in (
        "resident-number",
        "issue-date",
        "driver-license-number",
        "serial-num",
        "passport-number",
        "birth-date",
        "expiration-date",
    ):
        verify.add_argument(f"--{option}")
    return parser


def _settings(args: argparse.Namespace) -> Settings:
    return Settings.from_env(
        base_url=args.base_url,
        app_key=args.app_key,
        secret_key=args.secret_key,
        api_version=args.api_version,
        uak_id=args.uak_id,
        uak_secret=args.uak_secret,
        token_url=args.token_url,
        image_encoding=args.image_encoding,
        connect_timeout=args.connect_timeout,
        read_timeout=args.read_timeout,
    )


def _read_image(path: Path) -> bytes:
    """The bytes to send: the file through the payload pipeline (validated, upright, stripped of
    metadata and trailing bytes), exactly as the dashboard sends it."""
    try:
        with path.open("rb") as handle:  # never more than the API's limit read: a bigger file is refused
            data = handle.read(C.MAX_IMAGE_BYTES + 1)
            if len(data) > C.MAX_IMAGE_BYTES:
                size = os.fstat(handle.fileno()).st_size
                raise ImageRejected(
                    "too_large", size_bytes=max(size, len(data)), limit_bytes=C.MAX_IMAGE_BYTES
                )
    except OSError as err:
        reason = err.strerror or type(err).__name__
        raise InputError(
            f"cannot read the image {str(path)!r}: {reason}",
            rule="unreadable_file",
            params={"path": str(path), "reason": reason},
        ) from err
    return prepare(data, name=path.name).data


def _metered(
    client: OcrClient,
    args: argparse.Namespace,
    service: str,
    call: Callable[[], R],
    *,
    image: bytes | None = None,
    request_key: str | None = None,
) -> R:
    """A billed call on NHN Cloud goes through the application's meter (its quota and audit trail); a
    sandbox call is neither billed nor recorded; with no meter installed, nothing billed is sent."""
    if not nhn_cloud_endpoint(client.settings.base_url):
        return call()
    hooks: CliHooks = args.hooks
    if hooks.meter is None:
        raise SettingsError(
            "a call to NHN Cloud is billed and no meter is installed to count it (the "
            f"{ENTRY_POINT_GROUP!r} entry point), so nothing was sent"
        )
    door = hooks.meter(client, args.user, not args.unmasked)
    return door.call(service, call, image=image, request_key=request_key)


def _run(client: OcrClient, args: argparse.Namespace) -> Any:
    client.settings.require_credentials()  # settings problems (exit 2) before input problems (exit 4)
    if args.command == "public-key":
        return client.public_key(args.service)  # free: never counted
    if args.command == "credit-card":
        card = _read_image(args.image)
        return _metered(client, args, "credit-card", lambda: client.analyze_credit_card(card), image=card)
    if args.command == "id-card":
        image = _read_image(args.image)
        return _metered(
            client,
            args,
            "stand-alone" if args.stand_alone else "id-card",
            lambda: client.analyze_id_card(image, stand_alone=args.stand_alone),
            image=image,
        )
    request = AuthenticityRequest(
        id_type=args.id_type,
        name=args.name,
        resident_number=args.resident_number,
        issue_date=args.issue_date,
        driver_license_number=args.driver_license_number,
        serial_num=args.serial_num,
        passport_number=args.passport_number,
        birth_date=args.birth_date,
        expiration_date=args.expiration_date,
    )
    return _metered(
        client,
        args,
        "authenticity",
        lambda: client.verify_authenticity(args.request_key, request),
        request_key=args.request_key,
    )


def _api_json(outcome: Any, masked: bool) -> dict[str, Any]:
    if isinstance(outcome, PublicKeyInfo):
        return {
            "header": {"isSuccessful": True, "resultCode": 0, "resultMessage": "SUCCESS"},
            "result": {"key": outcome.key_b64, "version": outcome.version},
        }
    api: dict[str, Any] = outcome.to_api_json(masked=masked)
    return api


def _timings(outcome: Any) -> str:
    trace = getattr(outcome, "trace", None)
    if trace is None:
        return ""
    t = trace.timings_ms
    return (
        f"  key {trace.key_version}: fetch {t['key_fetch']:.1f} ms, encrypt {t['encrypt']:.1f} ms, "
        f"network {t['network']:.1f} ms, decrypt {t['decrypt']:.1f} ms, total {t['total']:.1f} ms"
    )


def _summary(outcome: Any, doc: dict[str, Any]) -> str:
    """A readable summary, built from the (masked or not) API-shaped JSON."""
    result = doc.get("result") or {}
    lines: list[str] = []
    if isinstance(outcome, PublicKeyInfo):
        bits = load_public_key(outcome.key_b64).size_in_bits()
        return f"{outcome.service} public key, version {outcome.version} (RSA {bits} bits)\n{outcome.key_b64}"
    if isinstance(outcome, CreditCardResult):
        lines.append(f"Credit card ({result.get('fileType')}, resolution {result.get('resolution')})")
        confs = " ".join(f"{g.get('conf')}" for g in result.get("cardNums", []))
        lines.append(f"  number      {result.get('totalCardNum')}   (conf {confs})")
        valid = result.get("validThru")
        if valid:
            lines.append(f"  valid thru  {valid.get('value')}   (conf {valid.get('conf')})")
    elif isinstance(outcome, IdCardResult):
        lines.append(
            f"ID card: {result.get('idType')} ({result.get('fileType')}, "
            f"resolution {result.get('resolution')})"
        )
        width = max((len(kv["key"]) for kv in result.get("keyValues", [])), default=4)
        for kv in result.get("keyValues", []):
            lines.append(f"  {kv['key']:<{width}}  {kv.get('value')}   (conf {kv.get('conf')})")
        if outcome.request_key is not None:
            rk = outcome.request_key
            lines.append(
                f"Request-Key: {rk.value} (valid until {rk.expires_at:%Y-%m-%d %H:%M:%S %Z}, one use)"
            )
    elif isinstance(outcome, AuthenticityResult):
        lines.append(f"Authentic: {'yes' if outcome.is_authenticity else 'no'}")
    timings = _timings(outcome)
    if timings:
        lines.append(timings)
    return "\n".join(lines)


def _report_error(
    err: OcrError,
    as_json: bool,
    out: TextIO,
    err_out: TextIO,
    lang: str = "en",
    hooks: CliHooks | None = None,
) -> int:
    hooks = installed_hooks() if hooks is None else hooks
    if isinstance(err, ApiError):
        code = EXIT_API
        print(f"error: the API answered {err.result_code} {err.key}: {err.vendor_message}", file=err_out)
        explain_in = hooks.api_error
        if explain_in is None:  # the library alone: the vendor's name of the code
            print(f"  {explain(err.result_code).key}", file=err_out)
        else:
            for lang_shown in hooks.langs:  # every one: a log's reader may read either
                explanation, action = explain_in(err.result_code, lang_shown)
                print(f"  {explanation} {action}", file=err_out)
        if as_json:
            print(
                json.dumps(
                    {
                        "header": {
                            "isSuccessful": False,
                            "resultCode": err.result_code,
                            "resultMessage": err.vendor_message,
                        },
                        "result": None,
                    },
                    ensure_ascii=False,
                    indent=2,
                ),
                file=out,
            )
        return code
    if isinstance(err, SettingsError):
        code = EXIT_USAGE
    elif isinstance(err, InputError):
        code = EXIT_INPUT
    elif isinstance(err, (TransportError, MalformedResponseError)):
        code = EXIT_NETWORK
    elif isinstance(err, EnvelopeError):
        code = EXIT_API
    else:  # pragma: no cover - every OcrError subclass is listed above
        code = EXIT_API
    said = (hooks.describe(err, lang) if hooks.describe else None) or str(err)
    print(f"error: {said}", file=err_out)
    if as_json:
        print(
            json.dumps(
                {"error": {"type": type(err).__name__, "message": str(err)}}, ensure_ascii=False, indent=2
            ),
            file=out,
        )
    return code


def main(
    argv: Sequence[str] | None = None,
    *,
    out: TextIO | None = None,
    err_out: TextIO | None = None,
    hooks: CliHooks | None = None,
) -> int:
    """Run one command; ``hooks`` default to the installed ones (``installed_hooks``)."""
    out = out or sys.stdout
    err_out = err_out or sys.stderr
    hooks = installed_hooks() if hooks is None else hooks
    parser = build_parser(hooks.langs)
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:
        return int(exit_.code or 0)
    args.hooks = hooks
    if args.verbose:
        logging.basicConfig(level=logging.DEBUG, format="%(name)s %(levelname)s %(message)s", stream=err_out)
        logging.getLogger(C.LOGGER_NAME).setLevel(logging.DEBUG)
    try:
        with OcrClient(_settings(args)) as client:
            outcome = _run(client, args)
            doc = _api_json(outcome, masked=not args.unmasked)
    except OcrError as err:
        return _report_error(err, args.json, out, err_out, args.lang, hooks)
    except KeyboardInterrupt:
        return 130
    if args.json:
        print(json.dumps(doc, ensure_ascii=False, indent=2), file=out)
    else:
        print(_summary(outcome, doc), file=out)
    return EXIT_OK
