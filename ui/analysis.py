"""The flow every analysis page shares: image in → validation → quality → preprocessing → analyse →
result. Pages call :func:`analysis_page` with their service; the steps are separate functions so the
Compare page can reuse them."""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import urlsplit

import numpy as np
import streamlit as st

from ocr_core import IdCardResult
from ocr_core.imaging import LoadedImage, QualityReport
from ocr_core.services import analysis, documents_of
from ui import state
from ui.billing import billed_call
from ui.errors import guarded
from ui.handoff import HANDOFF_KEY, handoff_from
from ui.i18n import current_lang, label_of, t
from ui.image_input import ImageChoice, choose_image, validate
from ui.preprocess_panel import Prepared, preprocess_panel
from ui.quality_panel import quality_of, quality_panel
from ui.result_slot import idle_result, result_slot, slot_key
from ui.results import Analysis, result_view
from ui.rows import Point, Result, measure_resolution
from ui.session import base_url, client, effective_connection

PREFIX = {"credit-card": "cc", "id-card": "id", "stand-alone": "sa"}
TITLES = {"credit-card": "page.credit_card", "id-card": "page.id_card", "stand-alone": "page.stand_alone"}
AUTH_PAGE = "pages/authenticity.py"


def result_key(prefix: str) -> str:
    return f"{prefix}_analysis"


def call_api(service: str, data: bytes) -> Result:
    """One billed call on the shared client of the effective connection, under the quota and audited."""
    c = client()
    if service == "credit-card":
        return billed_call(service, lambda: c.analyze_credit_card(data), image=data)
    return billed_call(
        service, lambda: c.analyze_id_card(data, stand_alone=service == "stand-alone"), image=data
    )


def card_outline(payload: Prepared, found: np.ndarray | None) -> Sequence[Point] | None:
    """The card's corners in the pixels sent: as found in the upload, or the whole image when
    preprocessing warped the card flat (and unknown when it found no card)."""
    if not payload.preprocessed:
        return None if found is None else [(int(x), int(y)) for x, y in found]
    if "warp" in payload.payload.steps:
        w, h = payload.width, payload.height
        return [(0, 0), (w, 0), (w, h), (0, h)]
    return None


def analyse(service: str, payload: Prepared, choice: ImageChoice, quad: np.ndarray | None) -> Analysis:
    result = call_api(service, payload.data)
    outline = card_outline(payload, quad)
    measured = measure_resolution(payload.width, payload.height, outline)
    return Analysis(
        service=service,
        result=result,
        sent_bgr=payload.bgr,
        sent_format=payload.format,
        sent_bytes=len(payload.data),
        token=payload.token,
        measured=measured,
        name=choice.name,
        specimen=choice.specimen,
        outline=None if outline is None else tuple(outline),
    )


def open_authenticity(a: Analysis) -> None:
    """Hand the result and its Request-Key to the authenticity page and go there."""
    assert isinstance(a.result, IdCardResult)
    handoff = handoff_from(a.result)
    if handoff is None:
        return
    st.session_state[HANDOFF_KEY] = handoff
    st.switch_page(AUTH_PAGE)


def prepare(prefix: str, choice: ImageChoice) -> tuple[LoadedImage, Prepared, np.ndarray | None] | None:
    """Validation, the pre-flight checks folded into their verdict line, and preprocessing, folded
    unless it is switched on; None when the image was refused."""
    img = validate(prefix, choice)
    if img is None:
        return None
    report = quality_of(prefix, choice.digest, img)
    label, icon = preflight_line(report)
    with st.expander(label, icon=icon, expanded=any(c.status == "fail" for c in report.checks)):
        quality_panel(prefix, choice.digest, img, summary=False)
    on = bool(st.session_state.get(f"{prefix}_pre_on", False))
    with st.expander(t("pre.fold_on") if on else t("pre.fold_off"), icon=":material/tune:", expanded=on):
        payload = preprocess_panel(prefix, img, choice.digest)
    return img, payload, report.card_quad


def preflight_line(report: QualityReport) -> tuple[str, str]:
    """The pre-flight checks as one verdict line ("Ready to send" / "2 warnings: Tilt, Glare") and
    its icon; the table opens under it."""
    lang = current_lang()
    failed = [label_of("quality", c.name, lang) for c in report.checks if c.status == "fail"]
    warned = [label_of("quality", c.name, lang) for c in report.checks if c.status == "warn"]
    if failed:
        return t("q.line_fail", n=len(failed), names=", ".join(failed)), ":material/cancel:"
    if warned:
        return t("q.line_warn", n=len(warned), names=", ".join(warned)), ":material/warning:"
    return t("q.line_pass", n=len(report.checks)), ":material/check_circle:"


def scroll_to_result(prefix: str, at: str) -> None:
    """Bring the result into view once, in the run that made it: the presenter pressed *Analyse* and
    the room sees the result without anyone scrolling. ``at`` makes the script new for each result
    (a script element runs when it is mounted)."""
    slot = f".st-key-{slot_key(prefix)}"
    st.html(
        f"""<script data-result="{at}">
      (() => {{
        let tries = 0;
        const go = () => {{
          const el = window.parent.document.querySelector({slot!r}) || document.querySelector({slot!r});
          if (el && el.getBoundingClientRect().height > 0) {{
            el.scrollIntoView({{block: "start"}});
            return;
          }}
          if (++tries < 40) setTimeout(go, 50);
        }};
        requestAnimationFrame(go);
      }})();
    </script>""",
        unsafe_allow_javascript=True,
        width="content",
    )


def analysis_page(service: str) -> None:
    prefix = PREFIX[service]
    st.title(t(TITLES[service]))
    if service == "credit-card":
        st.caption(t("an.credit_intro"))
    elif service == "id-card":
        st.caption(t("an.id_intro"))
    else:
        st.info(t("an.standalone_note"), icon=":material/lightbulb:")

    st.subheader(t("img.heading"))
    choice = choose_image(prefix, documents_of(analysis(service).service))
    prepared = prepare(prefix, choice) if choice is not None else None
    held: Analysis | None = state.get(result_key(prefix))

    fresh = False
    if prepared is not None and choice is not None:
        _, payload, quad = prepared
        if st.button(t("an.button"), key=f"{prefix}_analyze", type="primary", icon=":material/send:"):
            state.drop(result_key(prefix))  # a failed call must not leave the previous result on show
            held = None
            host = urlsplit(base_url(effective_connection())).netloc
            with guarded(where=host), st.spinner(t("an.running", host=host)):
                held = analyse(service, payload, choice, quad)
                state.put(result_key(prefix), held)
                fresh = True
        if effective_connection().backend == "cloud":
            st.caption(t("an.cloud_cost"))
        if held is not None and held.token != payload.token:
            st.warning(t("an.stale"), icon=":material/history:")

    if held is not None and choice is not None and prepared is None:
        st.warning(t("an.stale_rejected", name=held.title(current_lang())), icon=":material/history:")
    elif held is not None and choice is None:
        st.info(
            t("an.kept", name=held.title(current_lang()), at=f"{held.at.astimezone():%H:%M:%S}"),
            icon=":material/history:",
        )
    if held is None and choice is None:
        st.caption(t("img.none"))
    on_verify = open_authenticity if service == "id-card" else None
    with result_slot(prefix, held is not None), guarded():
        if held is None:
            idle_result(prefix, service, on_verify)
        else:
            st.subheader(t("res.heading"))
            result_view(prefix, held, on_verify=on_verify)
    if fresh and held is not None:
        scroll_to_result(prefix, held.at.isoformat())
