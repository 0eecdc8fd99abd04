"""Compare: two photos of one document, or one photo raw vs preprocessed, analysed together."""

from __future__ import annotations

from urllib.parse import urlsplit

import streamlit as st

from ocr_core.imaging import LoadedImage, QualityReport, assess_quality
from ui import lab, state
from ui.analysis import analyse
from ui.compare import compare_view
from ui.errors import guarded
from ui.i18n import t, translated
from ui.image_input import ImageChoice, choose_image, validate
from ui.preprocess_panel import Prepared, as_uploaded, options_form, preprocessed
from ui.quality_panel import quality_of
from ui.results import Analysis
from ui.session import base_url, effective_connection, masking_on
from ui.specimens import CARD_DOCS, ID_DOCS
from ui.widgets import persistent

RESULT_KEY = "cmp_analysis"
SERVICES = {"credit-card": ("cmp.svc_card", CARD_DOCS), "stand-alone": ("cmp.svc_id", ID_DOCS)}

Side = tuple[ImageChoice, LoadedImage, Prepared, QualityReport]


def _side(prefix: str, choice: ImageChoice | None) -> Side | None:
    if choice is None:
        return None
    img = validate(prefix, choice)
    if img is None:
        return None
    return choice, img, as_uploaded(img, choice.digest), quality_of(prefix, choice.digest, img)


def _run(service: str, side: Side) -> Analysis | None:
    choice, _, payload, report = side
    host = urlsplit(base_url(effective_connection())).netloc
    with guarded(where=host), st.spinner(t("an.running", host=host)):
        return analyse(service, payload, choice, report.card_quad)
    return None


def main() -> None:
    st.title(t("page.compare"))
    st.caption(t("cmp.intro"))
    c1, c2 = st.columns(2)
    modes = {"two": t("cmp.mode_two"), "pre": t("cmp.mode_pre"), "runs": t("cmp.mode_runs")}
    with c1:
        mode = (
            persistent(
                translated("cmp_mode"),
                "two",
                lambda key: st.segmented_control(
                    t("cmp.mode"), tuple(modes), required=True, key=key, format_func=modes.__getitem__
                ),
            )
            or "two"
        )
    if mode == "runs":  # two QA Lab runs, image by image (the same view as the Runs page's Compare tab)
        lab.compare_runs_picker("cmp_runs")
        return
    with c2:
        service = (
            persistent(
                translated("cmp_service"),
                "credit-card",
                lambda key: st.segmented_control(
                    t("cmp.service"),
                    tuple(SERVICES),
                    required=True,
                    key=key,
                    format_func=lambda s: t(SERVICES[s][0]),
                ),
            )
            or "credit-card"
        )
    docs = SERVICES[service][1]

    sides: tuple[Side | None, Side | None]
    if mode == "two":
        labels = (t("cmp.a"), t("cmp.b"))
        left, right = st.columns(2)
        with left:
            side_a = _side("cmpA", choose_image("cmpA", docs, label=labels[0], per_row=4))
        with right:
            side_b = _side("cmpB", choose_image("cmpB", docs, label=labels[1], per_row=4))
        sides = (side_a, side_b)
    else:
        labels = (t("cmp.raw"), t("cmp.pre"))
        side_a = _side("cmpA", choose_image("cmpA", docs))
        side_b = None
        if side_a is not None:
            choice, img, _, _ = side_a
            pre = preprocessed("cmp", img, choice.digest, options_form("cmp"))
            side_b = (
                choice,
                img,
                pre,
                state.memo("cmpB_quality", pre.token, lambda: assess_quality(pre.bgr)),
            )
        sides = (side_a, side_b)

    if st.button(
        t("cmp.button"),
        key="cmp_analyze",
        type="primary",
        icon=":material/compare_arrows:",
        disabled=None in sides,
    ):
        state.drop(RESULT_KEY)
        a, b = (_run(service, s) for s in sides)  # type: ignore[arg-type]
        state.put(
            RESULT_KEY,
            {
                "a": a,
                "b": b,
                "qa": sides[0][3],  # type: ignore[index]
                "qb": sides[1][3],  # type: ignore[index]
                "labels": labels,
            },
        )
    elif None in sides:
        st.caption(t("cmp.need_two"))

    held = state.get(RESULT_KEY)
    if held is not None and (held["a"] is not None or held["b"] is not None):
        with guarded():
            compare_view(held["a"], held["b"], held["qa"], held["qb"], held["labels"], masking_on())


with guarded():
    main()
