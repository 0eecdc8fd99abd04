"""Compare two analyses of one document: values, confidences, boxes, quality, resolution verdicts.

``pair_rows`` and ``pair_quality`` are pure (no Streamlit); ``compare_view`` renders them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from ocr_core.confirmation import confirmations
from ocr_core.imaging import QualityCheck, QualityReport
from ui.figures import compare_confidence_figure, overlay_figure
from ui.i18n import api_value, current_lang, label_of, t
from ui.marks import DIFFERS, FAIL, OK, STATUS_MARK
from ui.redaction import blur_regions
from ui.results import DEFAULT_THRESHOLD, Analysis
from ui.rows import FieldRow, failed_checks, other_boxes, personal_polygons, regions, rows_for


@dataclass(frozen=True)
class PairedRow:
    key: str
    label: str
    value_a: str | None
    value_b: str | None
    conf_a: float | None
    conf_b: float | None
    same: bool
    """Whether the decrypted values are equal (compared unmasked, shown masked)."""

    @property
    def delta(self) -> float | None:
        if self.conf_a is None or self.conf_b is None:
            return None
        return self.conf_b - self.conf_a


def pair_rows(rows_a: Sequence[FieldRow], rows_b: Sequence[FieldRow]) -> list[PairedRow]:
    """Rows matched by key (and group index), in A's order then B's extra rows."""
    by_b = {r.display_key: r for r in rows_b}
    seen: set[str] = set()
    out: list[PairedRow] = []
    for a in rows_a:
        b = by_b.get(a.display_key)
        seen.add(a.display_key)
        out.append(
            PairedRow(
                a.display_key,
                a.label,
                a.shown,
                b.shown if b else None,
                a.conf,
                b.conf if b else None,
                b is not None and a.raw == b.raw,
            )
        )
    for b in rows_b:
        if b.display_key not in seen:
            out.append(PairedRow(b.display_key, b.label, None, b.shown, None, b.conf, False))
    return out


def pair_quality(qa: QualityReport | None, qb: QualityReport | None, lang: str) -> list[dict[str, str]]:
    names: list[str] = []
    for report in (qa, qb):
        for c in report.checks if report else ():
            if c.name not in names:
                names.append(c.name)
    rows = []
    for name in names:
        ca = qa.get(name) if qa else None
        cb = qb.get(name) if qb else None
        label = label_of("quality", name, lang)
        rows.append(
            {
                t("q.check"): label,
                "A": _quality_cell(ca),
                "B": _quality_cell(cb),
                t("cmp.same"): OK if ca and cb and ca.status == cb.status else DIFFERS,
            }
        )
    return rows


def same_values_doubts(
    rows_a: Sequence[FieldRow],
    rows_b: Sequence[FieldRow],
    labels: tuple[str, str],
    threshold: float,
    lang: str,
) -> list[str]:
    """Why "the same values" is not the whole story: a side with fields under the threshold or a
    failed check (then the values agree, but not with confidence)."""
    out = []
    for side, rows in zip(labels, (rows_a, rows_b), strict=True):
        sure = confirmations(rows)  # as the analysis pages say it: a field a check confirms is not in doubt
        low = [r for i, r in enumerate(rows) if i not in sure and r.conf is not None and r.conf < threshold]
        if low:
            out.append(t("cmp.same_but_low", side=side, fields=", ".join(r.label for r in low)))
        failed = failed_checks(rows)
        if failed:
            out.append(
                t(
                    "cmp.same_but_failed",
                    side=side,
                    checks=", ".join(f"{r.label}: {label_of('check', c.name, lang)}" for r, c in failed),
                )
            )
    return out


def _quality_cell(check: QualityCheck | None) -> str:
    if check is None:
        return "–"
    value = check.value
    shown = "" if value is None else f" ({value:g})" if isinstance(value, (int, float)) else f" ({value})"
    return f"{STATUS_MARK[check.status]} {check.status}{shown}"


def _num(value: float | None) -> float:
    return float("nan") if value is None else value


def _table(pairs: list[PairedRow]) -> pd.io.formats.style.Styler:
    frame = pd.DataFrame(
        [
            {
                t("res.col_field"): p.label,
                "A": p.value_a or "–",
                "B": p.value_b or "–",
                f"{t('res.col_conf')} A": _num(p.conf_a),
                f"{t('res.col_conf')} B": _num(p.conf_b),
                t("cmp.delta"): _num(p.delta),
                t("cmp.same"): OK if p.same else FAIL,
            }
            for p in pairs
        ]
    )
    differs = [not p.same for p in pairs]

    def highlight(row: pd.Series) -> list[str]:
        style = "background-color: rgba(215, 48, 39, 0.15)" if differs[row.name] else ""
        return [style] * len(row)

    return frame.style.apply(highlight, axis=1).format(
        {
            c: "{:+.2f}" if c == t("cmp.delta") else "{:.2f}"
            for c in frame.columns
            if frame[c].dtype.kind == "f"
        },
        na_rep="–",
    )


def _overlay(side: str, a: Analysis, rows: list[FieldRow], masked: bool, threshold: float) -> None:
    bgr = blur_regions(a.sent_bgr, personal_polygons(a.result, rows, a.sent_bgr)) if masked else a.sent_bgr
    fig = overlay_figure(
        bgr,
        regions(rows),
        threshold=threshold,
        other_boxes=other_boxes(a.result),
        other_boxes_name=t("res.all_boxes"),
    )
    st.plotly_chart(fig, key=f"cmp_overlay_{side}", config={"displaylogo": False})
    st.caption(f"{a.title(current_lang())} · {a.measured.width}×{a.measured.height} · {a.sent_bytes:,} B")


def compare_view(
    a: Analysis | None,
    b: Analysis | None,
    qa: QualityReport | None,
    qb: QualityReport | None,
    labels: tuple[str, str],
    masked: bool,
) -> None:
    lang = current_lang()
    threshold = float(st.slider(t("res.threshold"), 0.0, 1.0, DEFAULT_THRESHOLD, 0.01, key="cmp_threshold"))
    rows_a = rows_for(a.result, lang, masked) if a else []
    rows_b = rows_for(b.result, lang, masked) if b else []

    cols = st.columns(2)
    for col, side, analysis, rows, name in (
        (cols[0], "a", a, rows_a, labels[0]),
        (cols[1], "b", b, rows_b, labels[1]),
    ):
        with col:
            st.markdown(f"**{name}**")
            if analysis is None:
                st.warning(t("cmp.failed", side=name), icon=":material/warning:")
            else:
                _overlay(side, analysis, rows, masked, threshold)

    pairs = pair_rows(rows_a, rows_b)
    st.subheader(t("cmp.fields"))
    n_diff = sum(not p.same for p in pairs)
    if n_diff:
        st.warning(t("cmp.differs", n=n_diff), icon=":material/difference:")
    else:
        doubts = same_values_doubts(rows_a, rows_b, labels, threshold, lang)
        for doubt in doubts:
            st.warning(doubt, icon=":material/warning:")
        if not doubts:
            st.success(t("cmp.all_same"), icon=":material/check_circle:")
    if pairs:
        wide = st.column_config.TextColumn(width="medium")  # a masked card number must fit whole
        st.dataframe(
            _table(pairs),
            hide_index=True,
            width="stretch",
            placeholder="–",
            column_config={"A": wide, "B": wide},
        )
        scored = [p for p in pairs if p.conf_a is not None or p.conf_b is not None]
        st.plotly_chart(
            compare_confidence_figure(
                [p.label for p in scored],
                [p.conf_a for p in scored],
                [p.conf_b for p in scored],
                labels,
                threshold,
            ),
            key="cmp_conf",
            config={"displayModeBar": False},
        )

    st.subheader(t("cmp.resolution"))
    res_rows = []
    for name, analysis in ((labels[0], a), (labels[1], b)):
        if analysis is None:
            continue
        m = analysis.measured
        res_rows.append(
            {
                "": name,
                t("res.api_resolution"): api_value(analysis.result.resolution),
                t("res.our_resolution"): api_value(m.verdict),
                t("cmp.image_px"): f"{m.width}×{m.height}",
                t("cmp.card_px"): f"{m.card_size[0]}×{m.card_size[1]}" if m.card_size else "–",
            }
        )
    st.dataframe(res_rows, hide_index=True, width="stretch")

    st.subheader(t("cmp.quality"))
    st.dataframe(pair_quality(qa, qb, lang), hide_index=True, width="stretch")
