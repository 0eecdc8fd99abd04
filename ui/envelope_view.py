"""The "envelope" view: the steps of the digital envelope for one call, with timings.

Only sizes, versions and counts come from ``CallTrace``; the client never hands over key material,
so there is nothing secret here to leak. Timings are metrics, not a chart: four numbers read at a
glance, and a chart library costs the browser more than the whole table.
"""

from __future__ import annotations

import streamlit as st

from ocr_core import CallTrace
from ui.i18n import t
from ui.session import presenter_view
from ui.widgets import table

STEPS = ("key_fetch", "encrypt", "network", "decrypt")


def envelope_rows(trace: CallTrace, decrypted: list[str]) -> list[dict[str, object]]:
    ms = trace.timings_ms
    details = {
        "key_fetch": t("env.key_fetch_d", service=trace.service, version=trace.key_version),
        "encrypt": t(
            "env.encrypt_d",
            wrapped=trace.wrapped_key_bytes,
            image=trace.image_bytes,
            cipher=trace.ciphertext_bytes,
            encoding=trace.encoding,
        ),
        "network": t("env.network_d", path=trace.path),
        "decrypt": t("env.decrypt_d", n=trace.fields_decrypted, fields=", ".join(decrypted) or "–"),
    }
    rows: list[dict[str, object]] = [
        {
            t("env.step"): t(f"env.{step}"),
            t("env.detail"): details[step],
            t("env.ms"): round(float(ms.get(step, 0.0)), 1),
        }
        for step in STEPS
    ]
    rows.append({t("env.step"): t("env.total"), t("env.detail"): "", t("env.ms"): round(total_ms(trace), 1)})
    return rows


def total_ms(trace: CallTrace) -> float:
    ms = trace.timings_ms
    return float(ms.get("total", sum(ms.get(s, 0.0) for s in STEPS)))


def share(trace: CallTrace, step: str) -> float:
    """The step's share of the call's total time, 0–1."""
    total = total_ms(trace)
    return float(trace.timings_ms.get(step, 0.0)) / total if total > 0 else 0.0


def envelope_view(trace: CallTrace | None, decrypted: list[str]) -> None:
    if trace is None:
        return
    st.caption(t("env.intro"))
    table(envelope_rows(trace, decrypted), presenter=presenter_view(), wrap=True)  # details are sentences
    st.markdown(f"**{t('env.timings')}**")
    line = st.container(horizontal=True)
    for step in STEPS:
        line.metric(
            t(f"env.{step}"),
            f"{float(trace.timings_ms.get(step, 0.0)):.0f} ms",
            delta=f"{share(trace, step):.0%}",
            delta_color="off",
            delta_arrow="off",
            border=True,
        )
    line.metric(
        t("env.total"),
        f"{total_ms(trace):.0f} ms",
        delta="100%",
        delta_color="off",
        delta_arrow="off",
        border=True,
    )
