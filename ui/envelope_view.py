"""The "envelope" tab: the steps of the digital envelope for one call, with timings.

Only sizes, versions and counts come from ``CallTrace``; the client never hands over key material,
so there is nothing secret here to leak.
"""
from __future__ import annotations

import plotly.graph_objects as go
import streamlit as st

from ocr_core import CallTrace
from ui.i18n import t

STEPS = ("key_fetch", "encrypt", "network", "decrypt")
_COLOURS = {"key_fetch": "#2e86de", "encrypt": "#8e44ad", "network": "#95a5a6", "decrypt": "#27ae60"}


def envelope_rows(trace: CallTrace, decrypted: list[str]) -> list[dict[str, object]]:
    ms = trace.timings_ms
    details = {
        "key_fetch": t("env.key_fetch_d", service=trace.service, version=trace.key_version),
        "encrypt": t("env.encrypt_d", wrapped=trace.wrapped_key_bytes, image=trace.image_bytes,
                     cipher=trace.ciphertext_bytes, encoding=trace.encoding),
        "network": t("env.network_d", path=trace.path),
        "decrypt": t("env.decrypt_d", n=trace.fields_decrypted, fields=", ".join(decrypted) or "–"),
    }
    rows: list[dict[str, object]] = [
        {t("env.step"): t(f"env.{step}"), t("env.detail"): details[step],
         t("env.ms"): round(float(ms.get(step, 0.0)), 1)}
        for step in STEPS
    ]
    rows.append({t("env.step"): t("env.total"), t("env.detail"): "",
                 t("env.ms"): round(float(ms.get("total", sum(ms.get(s, 0.0) for s in STEPS))), 1)})
    return rows


def timings_figure(trace: CallTrace) -> go.Figure:
    """One stacked horizontal bar: where the milliseconds of this call went."""
    fig = go.Figure()
    for step in STEPS:
        value = float(trace.timings_ms.get(step, 0.0))
        fig.add_trace(go.Bar(x=[value], y=[""], orientation="h", name=t(f"env.{step}"),
                             marker_color=_COLOURS[step], text=[f"{value:.0f} ms"],
                             textposition="inside", hovertemplate="%{x:.1f} ms<extra>%{fullData.name}</extra>"))
    fig.update_layout(barmode="stack", height=140, margin=dict(l=10, r=10, t=10, b=10),
                      legend=dict(orientation="h", y=-0.4), xaxis_title="ms")
    return fig


def envelope_view(prefix: str, trace: CallTrace | None, decrypted: list[str]) -> None:
    if trace is None:
        return
    st.caption(t("env.intro"))
    st.dataframe(envelope_rows(trace, decrypted), hide_index=True, width="stretch")
    st.markdown(f"**{t('env.timings')}**")
    st.plotly_chart(timings_figure(trace), key=f"{prefix}_timings", config={"displayModeBar": False})
