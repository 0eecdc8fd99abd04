"""The result view of one analysis: overlay, confidence chart, resolution verdicts, and one of
Key/Value table with validator badges / JSON / envelope / export, chosen by a segmented control."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

import numpy as np
import streamlit as st

from ocr_core import CreditCardResult, IdCardResult
from ocr_core.confirmation import confirmations
from ocr_core.fields import Lang
from ocr_core.services import authenticity_types
from ui import state
from ui.confidence_chart import CONFIG as CONFIDENCE_CONFIG
from ui.confidence_chart import ChartWords, confidence_figure
from ui.downloads import curl_example, downloads, export_metadata
from ui.envelope_view import envelope_view
from ui.figures import overlay_figure
from ui.i18n import api_value, current_lang, label_of, t, translated
from ui.marks import WARN
from ui.redaction import blur_regions
from ui.request_key_status import time_left, warn_if_unusable
from ui.rows import (
    FieldRow,
    Resolution,
    Result,
    Verdicts,
    check_badge,
    failed_checks,
    other_boxes,
    personal_polygons,
    regions,
    rows_for,
    truth_mismatches,
)
from ui.session import base_url, effective_connection, masking_on, presenter_view, token_url
from ui.sidebar import PRESENTER_CHART_FONT
from ui.specimens import Specimen
from ui.widgets import table

DEFAULT_THRESHOLD = 0.8

VIEWS = ("kv", "json", "envelope", "export")
"""Key/Value table, decrypted JSON, digital-envelope steps, downloads and curl."""


@dataclass
class Analysis:
    """One analysis as kept in the session: the result and the exact image that was sent."""

    service: str
    """``credit-card``, ``id-card`` or ``stand-alone``."""
    result: Result
    sent_bgr: np.ndarray = field(repr=False)
    sent_format: str
    sent_bytes: int
    token: str
    """Digest of the image plus the preprocessing options: tells a stale result from a fresh one."""
    measured: Resolution
    name: str
    specimen: Specimen | None = None
    at: datetime = field(default_factory=lambda: datetime.now(UTC))
    outline: tuple[tuple[int, int], ...] | None = None
    """The document's corners in the image sent, when found in a photo: the overlay shows that part."""
    checks: Verdicts | None = None
    """The validator verdicts recorded when the values were read (a QA lab item, whose values come
    already masked: no validator runs on them); None: run the validators on the result's values."""

    def title(self, lang: str) -> str:
        """What people call the image: a specimen's title, else the file's name."""
        return self.specimen.title(lang) if self.specimen else self.name


def attention(row: FieldRow, threshold: float, confirmed: bool) -> bool:
    """What the Flag column marks: a failed check, or a confidence under the threshold that no
    check confirms (``ocr_core.confirmation``)."""
    failed = any(c.ok is False for c in row.checks)
    return failed or (not confirmed and row.conf is not None and row.conf < threshold)


def kv_table(rows: list[FieldRow], threshold: float, lang: Lang) -> list[dict[str, object]]:
    sure = confirmations(rows)
    # the API's key names (issueDate, residentNumber) are for engineers reading English; the Korean
    # view names each field in Korean only (the JSON view keeps the keys)
    return [
        {
            t("res.col_field"): r.label,
            **({t("res.col_key"): r.display_key} if lang == "en" else {}),
            t("res.col_value"): r.shown,
            t("res.col_conf"): r.conf,
            t("res.col_checks"): " · ".join(check_badge(c, lang) for c in r.checks),
            t("res.col_flag"): WARN if attention(r, threshold, i in sure) else "",
        }
        for i, r in enumerate(rows)
    ]


def _display_image(prefix: str, a: Analysis, rows: list[FieldRow], masked: bool) -> np.ndarray:
    if not masked:
        return a.sent_bgr
    polygons = personal_polygons(a.result, rows, a.sent_bgr)
    return state.memo(
        f"{prefix}_blurred", (a.token, a.at, len(polygons)), lambda: blur_regions(a.sent_bgr, polygons)
    )


def document_view(
    outline: tuple[tuple[int, int], ...] | None, shape: tuple[int, ...], margin: float = 0.04
) -> tuple[int, int, int, int] | None:
    """The part of a photo to show: the document's bounds grown by ``margin`` of its size, or None
    when there is no outline or the document fills most of the image anyway (a scan)."""
    if not outline or len(outline) < 3:
        return None
    h, w = shape[0], shape[1]
    xs, ys = [p[0] for p in outline], [p[1] for p in outline]
    pad = margin * max(max(xs) - min(xs), max(ys) - min(ys))
    x0, y0 = max(0, int(min(xs) - pad)), max(0, int(min(ys) - pad))
    x1, y1 = min(w, int(max(xs) + pad)), min(h, int(max(ys) + pad))
    if (x1 - x0) * (y1 - y0) > 0.8 * w * h or x1 - x0 < 8 or y1 - y0 < 8:
        return None
    return x0, y0, x1, y1


def _truth(truth: dict[str, object], rows: list[FieldRow]) -> None:
    """For specimens: how many fields match the truth the specimen was generated from (names of the
    wrong ones only, never values)."""
    compared, wrong = truth_mismatches(rows, truth)
    if not compared:
        return
    if wrong:
        st.warning(
            t(
                "res.truth_wrong",
                n=compared - len(wrong),
                total=compared,
                fields=", ".join(r.label for r in wrong),
            ),
            icon=":material/fact_check:",
        )
    else:
        st.success(t("res.truth_ok", total=compared), icon=":material/fact_check:")


def _resolution(a: Analysis) -> None:
    m = a.measured
    card = t("res.card_size", w=m.card_size[0], h=m.card_size[1]) if m.card_size else ""
    c1, c2 = st.columns(2)
    c1.metric(t("res.api_resolution"), api_value(a.result.resolution), border=True)
    c2.metric(
        t("res.our_resolution"),
        api_value(m.verdict),
        border=True,
        help=t("res.res_detail", w=m.width, h=m.height, card=card),
    )
    st.caption(
        t("res.res_detail", w=m.width, h=m.height, card=card)
        + " — "
        + (t("res.res_agree") if (a.result.resolution or "") == m.verdict else t("res.res_disagree"))
    )


def confidence_summary(rows: list[FieldRow], threshold: float, lang: str) -> None:
    """One verdict that agrees with the table and the colours: fields under the threshold that no
    check confirms, and failed checks; "all clear" only when there is neither. It says which fields a
    check confirmed, and by which check — those are right whatever their confidence."""
    sure = confirmations(rows)
    low = [r for i, r in enumerate(rows) if i not in sure and r.conf is not None and r.conf < threshold]
    failed = failed_checks(rows)
    how = confirmed_how(rows, sure, lang)
    if low:
        st.warning(
            t("res.flagged_unconfirmed", fields=", ".join(r.label for r in low)), icon=":material/warning:"
        )
    if failed:
        st.error(
            t(
                "res.checks_failed",
                checks=", ".join(f"{r.label}: {label_of('check', c.name, lang)}" for r, c in failed),
            ),
            icon=":material/cancel:",
        )
    if not low and not failed:
        st.success(
            t("res.all_clear") + (f"  \n{t('res.confirmed', how=how)}" if how else ""),
            icon=":material/check_circle:",
        )
    elif how:
        st.caption(t("res.confirmed", how=how))


def confirmed_how(rows: list[FieldRow], sure: dict[int, tuple[str, ...]], lang: str) -> str:
    """ "MRZ check digits: MRZ line 2 · VIZ vs MRZ: Surname, Given names" — each confirming check
    with the fields it confirmed, in the order the checks first appear."""
    by_check: dict[str, list[str]] = {}
    for i, names in sure.items():
        for name in names:
            by_check.setdefault(name, []).append(rows[i].label)
    return " · ".join(
        f"{label_of('check', name, lang)}: {', '.join(labels)}" for name, labels in by_check.items()
    )


def result_view(prefix: str, a: Analysis, *, on_verify: Callable[[Analysis], None] | None = None) -> None:
    """Render an analysis. ``on_verify`` is offered when the result carries a usable Request-Key."""
    lang = current_lang()
    masked = masking_on()
    result = a.result
    rows = rows_for(result, lang, masked, checks=a.checks)
    sure = confirmations(rows)
    sure_labels = {rows[i].label for i in sure}

    # The picture and the field list side by side, so both are on one screen, in presenter view too;
    # there the metrics go under both, at full width (at 1280×800 a narrow column cut metric values
    # and split labels mid-word in the large type).
    head = st.columns([3, 2])
    facts = st.container() if presenter_view() else head[1]
    with head[0]:
        st.markdown(f"**{t('res.overlay')}**")
        shown_threshold = float(st.session_state.get(f"{prefix}_threshold", DEFAULT_THRESHOLD))
        font = PRESENTER_CHART_FONT if presenter_view() else None
        crop = document_view(a.outline, a.sent_bgr.shape)
        whole = crop is not None and bool(st.session_state.get(f"{prefix}_whole", False))
        shown_part = None if whole else crop
        fig = state.memo(
            f"{prefix}_overlay_fig",
            (a.token, a.at, masked, shown_threshold, lang, font, shown_part),
            lambda: overlay_figure(
                _display_image(prefix, a, rows, masked),
                [replace(r, confirmed=r.name in sure_labels) for r in regions(rows)],
                threshold=shown_threshold,
                other_boxes=other_boxes(result),
                other_boxes_name=t("res.all_boxes"),
                font_size=font,
                view=shown_part,
            ),
        )
        st.plotly_chart(fig, key=f"{prefix}_overlay", config={"displaylogo": False, "scrollZoom": True})
        if crop is not None:
            st.toggle(t("res.whole_frame"), key=f"{prefix}_whole")
        if masked:
            st.caption(t("res.blurred"))
    with head[1]:
        st.markdown(f"**{t('res.confidence')}**")
        threshold = st.slider(
            t("res.threshold"), 0.0, 1.0, DEFAULT_THRESHOLD, 0.01, key=f"{prefix}_threshold"
        )
        scored = [(i, r) for i, r in enumerate(rows) if r.conf is not None]
        chart = state.memo(
            f"{prefix}_confidence_fig",
            (a.token, a.at, masked, threshold, lang, font),
            lambda: confidence_figure(
                [r.label for _, r in scored],
                [r.shown for _, r in scored],
                [r.conf for _, r in scored],
                threshold,
                ChartWords(
                    confidence=t("res.col_conf"), threshold=t("res.threshold_short"), value=t("res.col_value")
                ),
                font_size=font,
                confirmed=[i in sure for i, _ in scored],
            ),
        )
        st.plotly_chart(chart, key=f"{prefix}_confidence", config=CONFIDENCE_CONFIG)
        confidence_summary(rows, threshold, lang)
    with facts:
        if isinstance(result, IdCardResult):
            st.metric(t("res.id_type"), api_value(result.id_type))
        _resolution(a)
        if a.specimen is not None:
            _truth(a.specimen.truth_fields(), rows)

    if isinstance(result, IdCardResult) and a.service == "id-card":
        _request_key_line(prefix, a, on_verify)

    view = result_view_choice(prefix)
    if view == "kv":
        # An HTML table, not the canvas grid: every row on show without a scrollbar (a passport has
        # 20 fields), long values wrapped, real cells for screen readers; and a new result is new
        # text in it, where the grid took the browser ~150 ms more to redraw (bench_dashboard).
        # The confidence chart above draws the same confidences as bars.
        table(
            kv_table(rows, threshold, lang),
            presenter=presenter_view(),
            wrap=True,
            text_columns=(t("res.col_conf"),),
        )
    elif view == "json":
        st.caption(t("res.json_masked") if masked else t("res.json_unmasked"))
        st.json(result.to_api_json(masked=masked), expanded=2)
    elif view == "envelope":
        envelope_view(result.trace, _decrypted_fields(result))
    else:
        conn = effective_connection()
        meta = export_metadata(
            analysed_at=a.at,
            backend=conn.backend,
            endpoint=base_url(conn),
            api_version=conn.api_version,
            threshold=threshold,
            masked=masked,
            key_version=result.trace.key_version if result.trace else None,
        )
        downloads(prefix, result, masked, a.service, a.at, meta)
        st.markdown(f"**{t('dl.curl')}**")
        st.code(
            curl_example(
                base_url(conn),
                conn.api_version,
                a.service,
                result.trace.key_version if result.trace else None,
                conn.image_encoding,
                token_url=token_url(conn),
            ),
            language="bash",
        )


def result_views() -> tuple[str, ...]:
    """The parts of a result below the charts, one on show at a time; no JSON and no envelope in
    presenter view (engineering detail, not for the room)."""
    return tuple(v for v in VIEWS if v not in ("json", "envelope") or not presenter_view())


def result_view_choice(prefix: str) -> str:
    """Which part is on show (``{prefix}_view``). One at a time rather than ``st.tabs``: tabs build
    and send every part, and the browser lays out (and highlights) the hidden ones too."""
    options = result_views()
    key = translated(f"{prefix}_view")
    if st.session_state.get(key) not in options:  # first time, or JSON hidden by presenter view
        st.session_state[key] = options[0]
    chosen = st.segmented_control(
        t("res.view"),
        options,
        key=key,
        required=True,
        format_func=lambda v: t(f"res.tab_{v}"),
        label_visibility="collapsed",
    )
    return chosen or options[0]


def _decrypted_fields(result: Result) -> list[str]:
    if isinstance(result, CreditCardResult):
        names = [f"cardNums[{i}]" for i in range(len(result.card_numbers))]
        if result.total_card_num is not None:
            names.append("totalCardNum")
        if result.valid_thru is not None and result.valid_thru.value is not None:
            names.append("validThru")
        return names
    return [kv.key for kv in result.key_values if kv.value is not None]


def _request_key_line(prefix: str, a: Analysis, on_verify: Callable[[Analysis], None] | None) -> None:
    result = a.result
    assert isinstance(result, IdCardResult)
    rk = result.request_key
    if rk is None:
        st.info(t("res.no_request_key"), icon=":material/info:")
        return
    cols = st.columns([3, 2])
    with cols[0]:
        if not warn_if_unusable(rk):
            st.info(
                f"{t('res.request_key')}: `{rk.value[:8]}…` — " + t("au.remaining", mmss=time_left(rk)),
                icon=":material/key:",
            )
    with cols[1]:
        usable = rk.usable() and result.id_type in authenticity_types()
        if on_verify is not None and st.button(
            t("res.verify"),
            key=f"{prefix}_verify",
            type="primary",
            disabled=not usable,
            help=t("res.verify_help"),
        ):
            on_verify(a)
