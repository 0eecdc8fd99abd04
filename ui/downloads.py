"""Exports of a result: JSON and CSV (masked unless the user unmasks on purpose) and the request as
a curl example with every secret as a placeholder."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime

import streamlit as st

from ocr_core.constants import DEFAULT_TOKEN_URL
from ocr_core.services import analysis
from ui.i18n import current_lang, t
from ui.rows import Result, result_json, rows_csv, rows_for


def curl_example(
    base_url: str,
    api_version: str,
    service: str,
    key_version: str | None,
    image_encoding: str = "raw",
    token_url: str = DEFAULT_TOKEN_URL,
) -> str:
    """The two calls of an analysis as curl commands. Secrets and the per-request key stay
    placeholders: ``${APPKEY}``, ``${SECRETKEY}`` / ``${TOKEN}``, ``${SYMMETRIC_KEY}``."""
    auth = (
        "-H 'X-NHN-Authorization: Bearer ${TOKEN}'"
        if api_version == "v2.1"
        else "-H 'Authorization: ${SECRETKEY}'"
    )
    root = f"{base_url.rstrip('/')}/{api_version}/appkeys/${{APPKEY}}"
    image_part = "image=@image.enc" if image_encoding == "raw" else "image=<image.enc.b64"
    lines = [
        "# 1. Fetch the public key of the service (its version goes into X-Key-Version)",
        f"curl -X GET '{root}/public-keys/{analysis(service).service}' \\",
        f"  {auth}",
        "",
        "# 2. Seal: a fresh random 32-byte AES key per request; image.enc = AES-256-CBC(image),",
        "#    IV = first 16 bytes of that key; SYMMETRIC_KEY = Base64(RSA-PKCS1v1.5(key, public key))",
        f"curl -X POST '{root}/{analysis(service).path}' \\",
        f"  -F '{image_part}' \\",
        f"  {auth} \\",
        f"  -H 'X-Key-Version: {key_version or '${KEY_VERSION}'}' \\",
        "  -H 'Symmetric-Key: ${SYMMETRIC_KEY}'",
    ]
    if api_version == "v2.1":
        lines = [
            "# 0. Bearer token (v2.1)",
            f"curl -X POST '{token_url}' \\",
            "  -u '${UAK_ID}:${UAK_SECRET}' -d 'grant_type=client_credentials'",
            "",
            *lines,
        ]
    return "\n".join(lines)


def download_stem(service: str, analysed_at: datetime, masked: bool) -> str:
    """``id-card-20261129-013000-masked`` / ``…-UNMASKED``: a file with full values says so in its name."""
    return f"{service}-{analysed_at:%Y%m%d-%H%M%S}-{'masked' if masked else 'UNMASKED'}"


def export_metadata(
    *,
    analysed_at: datetime,
    backend: str,
    endpoint: str,
    api_version: str,
    threshold: float,
    masked: bool,
    key_version: str | None = None,
) -> dict[str, object]:
    """What a downloaded file says about itself: when, where from, which API version and key,
    which confidence threshold was on screen, and whether its values are masked."""
    return {
        "exportedAt": datetime.now(UTC).isoformat(timespec="seconds"),
        "analysedAt": analysed_at.astimezone(UTC).isoformat(timespec="seconds"),
        "backend": backend,
        "endpoint": endpoint,
        "apiVersion": api_version,
        "keyVersion": key_version,
        "threshold": round(threshold, 2),
        "masked": masked,
    }


def downloads(
    prefix: str, result: Result, masked: bool, service: str, analysed_at: datetime, meta: Mapping[str, object]
) -> None:
    """Download buttons. Full values only when masking is off AND the user ticks the box; the file
    names and the files' metadata say which they are."""
    unmasked = False
    if masked:
        st.caption(t("dl.masked_note") + " " + t("dl.unmask_needs_off"))
    else:
        unmasked = st.checkbox(t("dl.unmask"), value=False, key=f"{prefix}_dl_unmasked")
        if not unmasked:
            st.caption(t("dl.masked_note"))
    mask_files = not unmasked
    rows = rows_for(result, current_lang(), mask_files)
    stem = download_stem(service, analysed_at, mask_files)
    metadata = {**meta, "masked": mask_files}
    c1, c2 = st.columns(2)
    c1.download_button(
        t("dl.json"),
        result_json(result, mask_files, metadata),
        file_name=f"{stem}.json",
        mime="application/json",
        key=f"{prefix}_dl_json",
        on_click="ignore",
        icon=":material/download:",
    )
    c2.download_button(
        t("dl.csv"),
        rows_csv(rows, metadata),
        file_name=f"{stem}.csv",
        mime="text/csv",
        key=f"{prefix}_dl_csv",
        on_click="ignore",
        icon=":material/download:",
    )
