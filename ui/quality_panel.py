"""The pre-flight quality panel: every OpenCV check as pass / warn / fail with its reason, and the
glare mask over the image. Shown before anything is sent."""

from __future__ import annotations

import streamlit as st

from ocr_core.imaging import LoadedImage, QualityCheck, QualityReport, assess_quality
from ui import state
from ui.figures import glare_figure
from ui.i18n import Lang, current_lang, label_of, t, text
from ui.marks import STATUS_MARK
from ui.redaction import soften
from ui.session import masking_on, presenter_view
from ui.widgets import table


def quality_of(prefix: str, token: str, img: LoadedImage) -> QualityReport:
    return state.memo(
        f"{prefix}_quality", token, lambda: assess_quality(img)
    )  # its bytes: the JPEG check reads them


def quality_reason(check: QualityCheck, lang: str) -> str:
    """Why a check passed, warned or failed, in ``lang`` (catalogue ``qr.<reason>``)."""
    chosen: Lang = "ko" if lang == "ko" else "en"
    fields = dict(check.params)
    if "subject" in fields:
        fields["subject"] = text(f"qr.subject.{fields['subject']}", chosen)
    return text(f"qr.{check.reason}", chosen, **fields)


def quality_rows(report: QualityReport, lang: str) -> list[dict[str, str]]:
    rows = []
    for c in report.checks:
        value = (
            "" if c.value is None else (f"{c.value:g}" if isinstance(c.value, (int, float)) else str(c.value))
        )
        rows.append(
            {
                t("q.check"): label_of("quality", c.name, lang),
                t("q.status"): f"{STATUS_MARK[c.status]} {t(f'status.{c.status}')}",
                t("q.value"): value,
                t("q.reason"): quality_reason(c, lang),
            }
        )
    return rows


def quality_panel(
    prefix: str, token: str, img: LoadedImage, *, glare: bool = True, summary: bool = True
) -> QualityReport:
    """Render the checks (and, if asked, the glare figure); return the report. ``summary``: the
    verdict alert above the table (off where the verdict is already the line that opens it)."""
    report = quality_of(prefix, token, img)
    lang = current_lang()
    n_fail = sum(c.status == "fail" for c in report.checks)
    n_warn = sum(c.status == "warn" for c in report.checks)
    if not summary:
        pass
    elif n_fail:
        st.error(t("q.summary_fail", n=n_fail), icon=":material/cancel:")
    elif n_warn:
        st.warning(t("q.summary_warn", n=n_warn), icon=":material/warning:")
    else:
        st.success(t("q.summary_pass"), icon=":material/check_circle:")
    presenter = presenter_view()
    # Side by side normally; stacked in presenter view, where the large type needs the whole width.
    cols = st.columns([3, 2]) if glare and not presenter else [st.container(), st.container()]
    with cols[0]:
        table(
            quality_rows(report, lang),
            presenter=presenter,
            key=f"{prefix}_quality_table",
            wrap=True,
            nowrap_columns=(t("q.check"), t("q.status"), t("q.value")),
        )  # only the reasons wrap
    if glare:
        with cols[1]:
            quad = None if report.card_quad is None else [(int(x), int(y)) for x, y in report.card_quad]
            masked = masking_on()
            fig = state.memo(
                f"{prefix}_glare_fig",
                (token, masked),
                lambda: glare_figure(soften(img.bgr) if masked else img.bgr, report.glare_mask, quad),
            )
            st.plotly_chart(fig, key=f"{prefix}_glare_fig", config={"displayModeBar": False})
            st.caption(t("q.glare") if report.glare_mask.any() else t("q.no_glare"))
            if masked:
                st.caption(t("q.softened"))
    return report
