"""The dashboard's words and the one function that picks the language.

Pages call ``t("key", **fields)``; the text comes from the gettext catalogue in ``l10n/`` (``.po``
files, plural forms by ``n``), the language from the sidebar switch (``LANG_KEY``) and, before the
user chooses, from the browser's locale. Field names of the API come from ``ocr_core.fields``.

``_STRINGS`` below is the hand-over point for branches written before the catalogue: a string added
there as ``"key": ("English", "한국어")`` works at once (it wins over the catalogue), and
``python -m l10n merge`` moves it into the ``.po`` files, after which the dict is emptied again.
See README, "Adding or translating a string".
"""
from __future__ import annotations

import streamlit as st

import l10n
from l10n import LANGS, Lang
from l10n.particles import attach

__all__ = ["LANGS", "LANG_KEY", "LANG_NAMES", "Lang", "api_value", "current_lang", "default_lang", "field_label", "known_keys", "label_of",
           "resync", "t", "text", "translated"]

LANG_KEY = "lang"
LANG_NAMES: dict[Lang, str] = {"en": "English", "ko": "한국어"}

_STRINGS: dict[str, tuple[str, str]] = {
    # Strings not yet in l10n/locales/*/LC_MESSAGES/studio.po: "key": ("English", "한국어"),
    "runs.spool_other_key": (
        ("the worker that took it could not read its images: they were sealed with another spool key. Give "
        "every replica and worker the same [studio] spool_key in their secrets file (or STUDIO_SPOOL_KEY), "
        "then start the run again."),
        ("이 실행을 맡은 작업자가 이미지를 읽을 수 없었습니다. 다른 스풀 키로 봉인되어 있었습니다. 모든 "
        "복제본과 작업자의 secrets 파일에 같은 [studio] spool_key(또는 STUDIO_SPOOL_KEY)를 둔 뒤 실행을 "
        "다시 시작하십시오.")),
    # issue 19: the QA lab's expected-beside-read, sweeps, tags, run diff, numbers and names
    "qa.char.digit": ("digit", "숫자"),
    "qa.char.letter": ("letter", "문자"),
    "qa.char.char": ("character", "글자"),
    "qa.diff.wrong": ("{kind} {at} of {of} read wrong", "{of}자 중 {at}번째 {kind} 틀림"),
    "qa.diff.missing": ("{kind} {at} of {of} missing", "{of}자 중 {at}번째 {kind} 빠짐"),
    "qa.diff.extra": ("an extra {kind} after {at} of {of}", "{of}자 중 {at}번째 뒤에 {kind} 하나 더 읽음"),
    "qa.diff.unread": ("not read ({of} characters expected)", "읽지 못함 ({of}자 기대)"),
    "qa.diff.more": ("and {n} more", "외 {n}곳"),
    "qa.as_given": ("as given", "원본"),
    "qa.deg.none": ("As given", "원본"),
    "qa.deg.blur": ("Blur", "흐림"),
    "qa.deg.dark": ("Darkness", "어두움"),
    "qa.deg.scale": ("Scale", "축소"),
    "qa.deg.jpeg": ("JPEG quality", "JPEG 품질"),
    "qa.deg.rotate": ("Rotation", "회전"),
    "qa.deg.glare": ("Glare", "빛 반사"),
    "qa.deg.perspective": ("Perspective tilt", "원근 기울기"),
    "qa.deg.noise": ("Noise", "노이즈"),
    "qa.unit.blur": ("σ px", "σ px"),
    "qa.unit.dark": ("× exposure", "× 노출"),
    "qa.unit.scale": ("× size", "× 크기"),
    "qa.unit.jpeg": ("quality", "품질"),
    "qa.unit.rotate": ("°", "°"),
    "qa.unit.glare": ("strength", "세기"),
    "qa.unit.perspective": ("tilt", "기울기"),
    "qa.unit.noise": ("σ grey levels", "σ 명암 단계"),
    "qa.axis": ("{unit} — worse →", "{unit} — 나빠짐 →"),
    "qa.svc.credit-card": ("Credit card", "신용카드"),
    "qa.svc.id-card": ("ID card", "신분증"),
    "qa.svc.stand-alone": ("ID card (stand-alone)", "신분증 (단독)"),
    "qa.verdict.pass": ("Pass", "통과"),
    "qa.verdict.warn": ("Warn", "주의"),
    "qa.verdict.fail": ("Fail", "실패"),
    "qa.accuracy": ("Accuracy", "정확도"),
    "qa.confidence": ("Confidence", "신뢰도"),
    "qa.right": ("Right", "맞음"),
    "qa.wrong": ("Wrong", "틀림"),
    "qa.breaks_at": ("breaks at {level}", "{level}에서 깨짐"),
    "qa.never_breaks": ("reads right at every level", "모든 단계에서 맞게 읽음"),
    "qa.chart.sweeps": ("Where each degradation breaks: accuracy and confidence by level",
                        "열화별로 깨지는 지점: 수준별 정확도와 신뢰도"),
    "qa.chart.fields": ("Accuracy per field", "필드별 정확도"),
    "qa.chart.docs": ("Accuracy per document type", "문서 종류별 정확도"),
    "qa.chart.conf_dist": ("Confidence of right and wrong reads", "맞게 읽은 값과 틀리게 읽은 값의 신뢰도"),
    "qa.chart.tag": ("Accuracy by {tag}", "{tag}별 정확도"),
    "qa.tags": ("Accuracy by tag", "태그별 정확도"),
    "qa.tag": ("Tag", "태그"),
    "qa.tag_value": ("Value", "값"),
    "qa.expected": ("Expected", "기대값"),
    "qa.misreads": ("Misreads: what was expected beside what was read", "잘못 읽은 값: 기대값과 읽은 값"),
    "qa.read": ("Read", "읽은 값"),
    "qa.difference": ("Difference", "차이"),
    "qa.items_shown": ("{shown} of {total} items", "항목 {total}개 중 {shown}개"),
    "qa.diff.title": ("Image by image", "이미지별 비교"),
    "qa.diff.same_images": ("Both runs were of the same {n} images.", "두 실행 모두 같은 이미지 {n}개입니다."),
    "qa.diff.images_differ": (("The two runs were of different images: {only_a} only in A, {only_b} only in B. "
                               "Only the images both have are compared ({common})."),
                              ("두 실행의 이미지가 다릅니다: A에만 {only_a}개, B에만 {only_b}개. "
                               "둘 다 있는 이미지 {common}개만 비교합니다.")),
    "qa.diff.no_common": ("The two runs share no image: there is nothing to compare image by image.",
                          "두 실행에 공통 이미지가 없어 이미지별로 비교할 것이 없습니다."),
    "qa.diff.counts": ("{to_wrong} right → wrong, {to_right} wrong → right, {same} unchanged",
                       "맞음 → 틀림 {to_wrong}개, 틀림 → 맞음 {to_right}개, 변화 없음 {same}개"),
    "qa.change.to_wrong": ("right → wrong", "맞음 → 틀림"),
    "qa.change.to_right": ("wrong → right", "틀림 → 맞음"),
    "qa.change.same_right": ("right in both", "둘 다 맞음"),
    "qa.change.same_wrong": ("wrong in both", "둘 다 틀림"),
    "qa.change.unscored": ("no truth", "정답 없음"),
    "qa.col.change": ("Change", "변화"),
    "qa.col.conf_move": ("Confidence A → B", "신뢰도 A → B"),
    "qa.col.sweep": ("Degradation", "열화"),
    "lab.status.pending": ("not sent", "보내지 않음"),
    "lab.status.sending": ("sending", "보내는 중"),
    "lab.status.lost": ("lost", "유실"),
    "lab.status.refused": ("refused (quota)", "거부됨 (한도)"),
    "lab.status.unknown": ("fate unknown", "결과 불명"),
    "qa.svc.authenticity": ("Authenticity check", "진위 확인"),
    "cmp.mode_runs": ("Two QA runs", "QA 실행 두 개"),
    "lab.filter.wrong": ("Wrong only", "틀린 것만"),
    "lab.filter.below": ("Below the confidence threshold only", "신뢰도 기준 미만만"),
    "lab.filter.threshold": ("Confidence threshold", "신뢰도 기준"),
    "lab.filter.degradation": ("Degradation and level", "열화와 단계"),
    "lab.filter.tag": ("Tag", "태그"),
    "lab.filter.sort": ("Lowest confidence first", "신뢰도 낮은 순"),
    "lab.filter.any": ("All", "전체"),
    "lab.sweeps": ("Where reads break", "읽기가 깨지는 지점"),
    "lab.batch_charts": ("Accuracy and confidence", "정확도와 신뢰도"),
    "lab.active": ("Runs going on", "진행 중인 실행"),
    "lab.active_open": ("Show run {id}", "실행 {id} 보기"),
    "lab.active_line": ("Run {id} · {service} · {status} · {done}/{total} · started by {owner}",
                        "실행 {id} · {service} · {status} · {done}/{total} · 시작: {owner}"),
    "lab.in.truth_other_service": (("{name}: '{field}' (for {image}) is a field of {services}, not of {service}: "
                                    "it would be scored wrong on every image. Remove the column, or choose "
                                    "that service."),
                                   ("{name}: '{field}'({image})은(는) {service}이(가) 아닌 {services}의 필드입니다. "
                                    "모든 이미지에서 틀린 것으로 채점됩니다. 열을 지우거나 그 서비스를 고르세요.")),
}


def text(key: str, lang: Lang, /, **fields: object) -> str:
    """The string ``key`` in ``lang``, formatted with ``fields``. Unknown keys raise KeyError."""
    pending = _STRINGS.get(key)
    if pending is not None:
        template = pending[1] if lang == "ko" else pending[0]
        said = template.format(**fields) if fields else template
        return attach(said) if lang == "ko" else said
    return l10n.message(key, lang, **fields)


def default_lang() -> Lang:
    """Korean when the browser asks for it, else English."""
    try:
        locale = st.context.locale or ""
    except Exception:  # noqa: BLE001 - no browser context (bare script, some test runners)
        locale = ""
    return "ko" if locale.lower().startswith("ko") else "en"


def current_lang() -> Lang:
    lang = st.session_state.get(LANG_KEY)
    return lang if lang in LANGS else default_lang()


def api_value(value: str | None) -> str:
    """An API value (``resident``, ``normal``…) in the UI language, the API's own word kept beside it."""
    if not value:
        return "–"
    key = f"val.{value}"
    return t(key) if key in known_keys() else value


def t(key: str, /, **fields: object) -> str:
    return text(key, current_lang(), **fields)


def label_of(family: str, name: str, lang: str) -> str:
    """The catalogue's label for a check or field name (``check.luhn``, ``quality.glare``); the name
    itself when the catalogue has none."""
    key = f"{family}.{name}"
    return text(key, "ko" if lang == "ko" else "en") if key in known_keys() else name


def field_label(key: str, lang: str) -> str:
    """The label of an API field (``field.<key>`` in the catalogue); an unknown key as itself."""
    return label_of("field", key, lang)


def known_keys() -> frozenset[str]:
    return l10n.message_keys() | frozenset(_STRINGS)


_RESYNC_KEY = "_translated_widgets"


def translated(key: str) -> str:
    """Register the key of a widget whose option labels are translated, and return it.

    Selection widgets hold their value as the *label* of the chosen option; after a language
    switch the browser still holds the old label and would show nothing selected. ``resync``
    writes each registered value back, so Streamlit sends it again under the new label."""
    keys = st.session_state.setdefault(_RESYNC_KEY, set())
    keys.add(key)
    return key


def resync() -> None:
    """``on_change`` of the language switch (see ``translated``)."""
    for key in st.session_state.get(_RESYNC_KEY, set()):
        if key in st.session_state:
            st.session_state[key] = st.session_state[key]
