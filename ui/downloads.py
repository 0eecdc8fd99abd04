"""Exports of a result: JSON and CSV (masked unless the user unmasks on purpose) and the request as
a curl example with every secret as a placeholder."""
from __future__ import annotations

import streamlit as st

from ocr_core.services import analysis
from ui.i18n import current_lang, t
from ui.rows import Result, result_json, rows_csv, rows_for


def curl_example(base_url: str, api_version: str, service: str, key_version: str | None,
                 image_encoding: str = "raw") -> str:
    """The two calls of an analysis as curl commands. Secrets and the per-request key stay
    placeholders: ``${APPKEY}``, ``${SECRETKEY}`` / ``${TOKEN}``, ``${SYMMETRIC_KEY}``."""
    auth = ("-H 'X-NHN-Authorization: Bearer ${TOKEN}'" if api_version == "v2.1"
            else "-H 'Authorization: ${SECRETKEY}'")
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
            "curl -X POST 'https://oauth.api.nhncloudservice.com/oauth2/token/create' \\",
            "  -u '${UAK_ID}:${UAK_SECRET}' -d 'grant_type=client_credentials'",
            "",
            *lines,
        ]
    return "\n".join(lines)


def downloads(prefix: str, result: Result, masked: bool, stem: str) -> None:
    """Download buttons. Full values only when masking is off AND the user ticks the box."""
    unmasked = False
    if masked:
        st.caption(t("dl.masked_note") + " " + t("dl.unmask_needs_off"))
    else:
        unmasked = st.checkbox(t("dl.unmask"), value=False, key=f"{prefix}_dl_unmasked")
        if not unmasked:
            st.caption(t("dl.masked_note"))
    mask_files = not unmasked
    rows = rows_for(result, current_lang(), mask_files)
    c1, c2 = st.columns(2)
    c1.download_button(t("dl.json"), result_json(result, mask_files), file_name=f"{stem}.json",
                       mime="application/json", key=f"{prefix}_dl_json", on_click="ignore", icon=":material/download:")
    c2.download_button(t("dl.csv"), rows_csv(rows), file_name=f"{stem}.csv", mime="text/csv",
                       key=f"{prefix}_dl_csv", on_click="ignore", icon=":material/download:")
