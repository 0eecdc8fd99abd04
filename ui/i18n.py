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

    # issue 20: backends per role, chosen per analysis and per lab run
    "bk.choice_sandbox": ("Local sandbox — no charges", "로컬 샌드박스 — 요금 없음"),
    "bk.choice_cloud": ("NHN Cloud — billed", "NHN Cloud — 유료"),
    "bk.sidebar_label": ("Send analyses to", "분석을 보낼 곳"),
    "bk.sidebar_help": ("What your role may use is set by an admin; each analysis goes where this says.",
                        "역할별로 쓸 수 있는 곳은 관리자가 정합니다. 분석은 여기서 고른 곳으로 갑니다."),
    "bk.lab_label": ("Send this run to", "이 실행을 보낼 곳"),
    "bk.lab_only": ("This run goes to {backend}: the only backend your role may use.",
                    "이 실행은 {backend}(으)로 갑니다. 역할에 허용된 유일한 백엔드입니다."),
    "bk.none_available": (("Nothing can be sent: your role may use only NHN Cloud, which is not configured here. Ask "
                           "an admin to allow the sandbox for your role or to configure NHN Cloud."),
                          ("보낼 수 없습니다: 역할에 NHN Cloud만 허용되어 있는데 여기에는 설정되어 있지 않습니다. 관리자에게 샌드박스 허용이나 NHN Cloud 설정을 요청하세요.")),
    "bk.refused": ("Not sent: {backend} is not allowed for your role. You may use: {choices}.",
                   "보내지 않았습니다: 역할에 {backend} 사용이 허용되지 않습니다. 사용할 수 있는 곳: {choices}."),
    "bk.refused_none": (("Not sent: {backend} is not allowed for your role, and nothing else is available to it. Ask "
                         "an admin."),
                        "보내지 않았습니다: 역할에 {backend} 사용이 허용되지 않으며 쓸 수 있는 다른 곳도 없습니다. 관리자에게 문의하세요."),
    "bk.quota_action_sandbox": (("Nothing was sent or billed. Choose “Local sandbox — no charges” in the sidebar, or ask an "
                                 "admin to raise the quota."),
                                "아무것도 보내거나 청구하지 않았습니다. 사이드바에서 “로컬 샌드박스 — 요금 없음”을 고르거나 관리자에게 한도 상향을 요청하세요."),
    "bk.quota_action_no_sandbox": ("Nothing was sent or billed. Ask an admin to raise the quota.",
                                   "아무것도 보내거나 청구하지 않았습니다. 관리자에게 한도 상향을 요청하세요."),
    "bk.heading": ("Backends per role", "역할별 백엔드"),
    "bk.intro": (("Which backends the people of each role may choose (sidebar, QA Lab), and which one their "
                  "session starts on. Viewers never send billed calls."),
                 "각 역할의 사용자가 고를 수 있는 백엔드(사이드바, QA Lab)와 세션이 처음 쓰는 백엔드입니다. 조회자는 유료 호출을 보낼 수 없습니다."),
    "bk.allowed": ("Role {role} — may use", "{role} 역할 — 사용 가능"),
    "bk.default": ("Role {role} — starts on", "{role} 역할 — 기본값"),
    "bk.none_chosen": ("Choose at least one", "하나 이상 고르세요"),
    "bk.viewer_no_cloud": ("Viewers may not send billed calls, so NHN Cloud is not offered.",
                           "조회자는 유료 호출을 보낼 수 없으므로 NHN Cloud는 선택지에 없습니다."),
    "bk.save": ("Save backends", "백엔드 저장"),
    "bk.saved": ("Saved. Each session follows at its next action.", "저장했습니다. 각 세션은 다음 동작부터 따릅니다."),
    "bk.err_no_backend": ("{role}: choose at least one backend.", "{role}: 백엔드를 하나 이상 고르세요."),
    "bk.err_cloud_not_for_role": ("{role}: this role may not send billed calls.", "{role}: 이 역할은 유료 호출을 보낼 수 없습니다."),
    "bk.err_default_not_allowed": ("{role}: the backend it starts on must be one it may use.",
                                   "{role}: 기본 백엔드는 사용 가능한 백엔드 중 하나여야 합니다."),
    "bk.settings_hint": (("You choose the sandbox or NHN Cloud yourself, in the sidebar (“Send analyses to”) and on "
                          "the QA Lab form."),
                         "샌드박스와 NHN Cloud는 사이드바(“분석을 보낼 곳”)와 QA Lab 양식에서 직접 고릅니다."),
    "set.unchanged": ("Nothing changed, so nothing was saved.", "바뀐 것이 없어 저장하지 않았습니다."),
    # issue 20: admin pages refused in words, the Roles page
    "page.roles": ("Roles", "역할"),
    "acc.refused_title": ("Not available to you", "사용할 수 없는 페이지"),
    "acc.refused_page": (("The {page} page is for admins only; your role is {role}. This attempt was recorded in the "
                          "audit trail."),
                         "{page} 페이지는 관리자 전용입니다. 현재 역할은 {role}입니다. 이 시도는 감사 기록에 남았습니다."),
    "acc.page_audit": ("Audit", "감사"),
    "acc.page_roles": ("Roles", "역할"),
    "acc.refused_ask": ("If you need it, ask an admin of this studio for the role.", "필요하면 이 스튜디오의 관리자에게 역할을 요청하세요."),
    "rol.intro": (("A person gets the highest role that any rule gives them: the rules in the secrets file "
                   "(below, read-only here) and the ones given on this page. So this page adds and raises "
                   "roles; to lower one the secrets file gives, change the file. Every change is recorded in "
                   "the audit."),
                  ("사용자는 규칙이 주는 역할 중 가장 높은 역할을 받습니다. 규칙은 비밀 설정 파일의 규칙(아래, 여기서는 읽기 전용)과 이 페이지에서 준 규칙입니다. 그래서 이 "
                   "페이지는 역할을 더하거나 올릴 수만 있고, 파일이 준 역할을 낮추려면 파일을 고쳐야 합니다. 모든 변경은 감사 기록에 남습니다.")),
    "rol.rule": ("Person, domain or group", "사용자, 도메인 또는 그룹"),
    "rol.rule_help": (("An e-mail (ann@corp.example), a whole domain (@corp.example) or a group of the sign-in "
                       "provider (group:ocr-analysts)."),
                      "이메일(ann@corp.example), 도메인 전체(@corp.example) 또는 로그인 제공자의 그룹(group:ocr-analysts)."),
    "rol.grant": ("Give this role", "이 역할 부여"),
    "rol.granted": ("{rule} now has the role {role}.", "{rule}에 {role} 역할을 주었습니다."),
    "rol.admin_only": ("Roles are for admins only. This attempt was recorded.", "역할 관리는 관리자 전용입니다. 이 시도는 기록되었습니다."),
    "rol.no_role": ("no role", "역할 없음"),
    "rol.col_rule": ("Person, domain or group", "사용자, 도메인 또는 그룹"),
    "rol.col_kind": ("Kind", "종류"),
    "rol.col_role": ("Role", "역할"),
    "rol.col_by": ("Given by", "부여한 사람"),
    "rol.col_when": ("When", "시각"),
    "rol.kind_person": ("person", "사용자"),
    "rol.kind_domain": ("domain", "도메인"),
    "rol.kind_group": ("group", "그룹"),
    "rol.given_heading": ("Given on this page", "이 페이지에서 준 역할"),
    "rol.none_given": ("None yet.", "아직 없습니다."),
    "rol.remove_which": ("Take away", "회수할 규칙"),
    "rol.remove": ("Take away", "회수"),
    "rol.file_heading": ("From the secrets file", "비밀 설정 파일의 규칙"),
    "rol.file_none": ("The secrets file gives no roles.", "비밀 설정 파일은 역할을 주지 않습니다."),
    "rol.default_role": ("Signed-in people whom no rule names get: {role}.", "어떤 규칙에도 없는 로그인 사용자의 역할: {role}."),
    "rol.check_heading": ("Who gets what", "누가 어떤 역할을 받는지"),
    "rol.check_email": ("E-mail", "이메일"),
    "rol.check_groups": ("Groups (comma-separated)", "그룹(쉼표로 구분)"),
    "rol.check_result": ("{email} gets **{role}** (the secrets file alone: {file}).",
                         "{email}의 역할은 **{role}**입니다(비밀 설정 파일만으로는: {file})."),
    "rol.err_empty": ("Enter an e-mail, a domain (@…) or a group (group:…).", "이메일, 도메인(@…) 또는 그룹(group:…)을 입력하세요."),
    "rol.err_long": ("That is longer than 320 characters.", "320자를 넘습니다."),
    "rol.err_group": ("A group is written group:name, with no spaces or commas.",
                      "그룹은 공백이나 쉼표 없이 group:이름 형식으로 씁니다."),
    "rol.err_domain": ("A domain is written @corp.example.", "도메인은 @corp.example 형식으로 씁니다."),
    "rol.err_person": ("That is not an e-mail address (name@corp.example).", "이메일 주소(name@corp.example) 형식이 아닙니다."),
    # issue 20: the Audit page in words
    "aud.c_when": ("When", "시각"),
    "aud.c_zone": ("Time zone", "시간대"),
    "aud.c_who": ("Who", "누가"),
    "aud.c_what": ("What", "무엇을"),
    "aud.c_where": ("Where", "어디서"),
    "aud.c_outcome": ("Outcome", "결과"),
    "aud.c_day": ("Day (UTC)", "날짜 (UTC)"),
    "aud.c_calls": ("Billed calls", "유료 호출"),
    "aud.shown": ("(the newest {n} are shown; the CSV has them all)", "(최근 {n}건만 표시; CSV에는 모두 있습니다)"),
    "aud.door_cli": ("Command line", "명령줄"),
    "aud.door_run": ("QA run {id}", "QA 실행 {id}"),
    "aud.ms": ("{ms} ms", "{ms}ms"),
    "aud.o_ok": ("Succeeded", "성공"),
    "aud.o_refused": ("Refused", "거부됨"),
    "aud.o_failed": ("Failed (code {code}): {what}", "실패 (코드 {code}): {what}"),
    "aud.v_no_limit": ("no limit", "제한 없음"),
    "aud.v_none": ("none", "없음"),
    "aud.v_backends": ("{allowed}; starts on {default}", "{allowed}; 기본값 {default}"),
    "aud.l_user_daily_analysis": ("Daily analyses per user", "사용자별 하루 분석 한도"),
    "aud.l_user_daily_stand_alone": ("Daily stand-alone checks per user", "사용자별 하루 단독 확인 한도"),
    "aud.l_monthly_analysis": ("Monthly analyses of the deployment", "배포 전체 월간 분석 한도"),
    "aud.l_monthly_stand_alone": ("Monthly stand-alone checks of the deployment", "배포 전체 월간 단독 확인 한도"),
    "aud.l_backends": ("Backends of {role}", "{role}의 백엔드"),
    "aud.k_api_call": ("Sent a {service} request", "{service} 요청을 보냄"),
    "aud.k_sign_in": ("Signed in", "로그인"),
    "aud.k_sign_out": ("Signed out", "로그아웃"),
    "aud.k_unmask": ("Turned masking off", "마스킹을 끔"),
    "aud.k_mask": ("Turned masking on", "마스킹을 켬"),
    "aud.k_settings_change": ("Changed the settings", "설정을 바꿈"),
    "aud.k_role_change": ("Changed a role", "역할을 바꿈"),
    "aud.s_quotas": ("Changed the quotas", "한도를 바꿈"),
    "aud.s_backends": ("Changed the backends per role", "역할별 백엔드를 바꿈"),
    "aud.s_connection": ("Changed the connection of their session", "자기 세션의 연결 설정을 바꿈"),
    "aud.s_audit_retention": ("Changed how long the audit is kept", "감사 기록 보존 기간을 바꿈"),
    "aud.r_quota_daily": ("Refused: the daily quota is used up", "거부: 일일 한도를 다 씀"),
    "aud.r_quota_monthly": ("Refused: the monthly quota is used up", "거부: 월간 한도를 다 씀"),
    "aud.r_page": ("Refused: opened an admin page", "거부: 관리자 페이지를 열려고 함"),
    "aud.r_backend": ("Refused: sending to {backend}, not allowed for the role",
                      "거부: 역할에 허용되지 않은 {backend}(으)로 보내려고 함"),
    "aud.r_action": ("Refused: {what}", "거부: {what}"),
    "aud.r_other": ("Refused: {what}", "거부: {what}"),
    "aud.a_settings": ("change the settings", "설정 변경"),
    "aud.a_audit": ("open the audit", "감사 기록 열람"),
    "aud.a_unmask": ("turn masking off", "마스킹 끄기"),
    "aud.a_use_cloud": ("send to NHN Cloud", "NHN Cloud로 보내기"),
    "aud.a_untrusted_user_header": ("a user header that did not come through the sign-in proxy",
                                    "로그인 프록시를 거치지 않은 사용자 헤더"),
    "aud.a_run_start": ("Started a QA run", "QA 실행을 시작함"),
    "aud.a_run_cancel": ("Cancelled a QA run", "QA 실행을 취소함"),
    "aud.a_run_resume": ("Resumed a QA run", "QA 실행을 재개함"),
    "aud.a_run_resend": ("Resent items of unknown fate", "결과를 모르는 항목을 다시 보냄"),
    "aud.a_run_settle": ("Gave up on items of unknown fate", "결과를 모르는 항목을 포기함"),
    "aud.a_run_delete": ("Deleted a QA run", "QA 실행을 삭제함"),
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
