"""A run as text (CLI), CSV, and one self-contained HTML page.

A run as text (CLI), CSV, and one self-contained HTML page (Plotly's JS inlined: opening it
requests nothing from any other host). Masked values only, as stored."""

from __future__ import annotations

import csv
import html
import io
import unicodedata
from typing import Any

from ocr_core.csv_cells import safe_row
from qa import analysis, charts, words
from qa.analysis import RunData
from qa.differences import describe, marked


class _Words:
    """The report's words in one language, from the message catalogue (``rep.<key>``)."""

    def __init__(self, lang: str) -> None:
        self.lang = lang

    def __getitem__(self, key: str) -> str:
        return words.word(f"rep.{key}", self.lang)


def _pct(x: float | None) -> str:
    return words.pct(x)


def _conf(x: float | None) -> str:
    """A confidence as people read it: ``97%``; ``–`` for none."""
    return words.pct(x)


def runs_table(runs: list[dict[str, Any]], lang: str = "en") -> str:
    lines = [
        f"{'id':>4}  {'created':19}  {'service':22}  {'backend':7}  {'api':4}  {'status':12}  done/total"
    ]
    for r in runs:
        lines.append(
            f"{r['id']:>4}  {(r['created_at'] or '')[:19]:19}  {words.service(r['service'], lang):22}  "
            f"{r['backend']:7}  {r['api_version']:4}  {words.status(r['status'], lang):12}  "
            f"{r['done']}/{r['total']}"
        )
    return "\n".join(lines) + "\n"


def _key_versions(versions: dict[str, Any] | None) -> str:
    return ", ".join(f"{service} v{version}" for service, version in sorted((versions or {}).items())) or "–"


def _yes_no(value: bool) -> str:
    return "yes" if value else "no"


def _codes(counts: dict[str, int]) -> str:
    """Result codes counted, as words: ``0 ×12, -1 ×2, lost ×1``."""
    return ", ".join(f"{code} ×{n}" for code, n in counts.items()) or "–"


def text_summary(data: RunData) -> str:
    r = data.run
    s = analysis.summary(data)
    out = [
        (
            f"run {r['id']}: {words.service(r['service'], 'en')} on {r['backend']} {r['api_version']} — "
            f"{words.status(r['status'], 'en')}, {r['done']}/{r['total']} done, {r['failed']} failed, "
            f"preprocessing {'on' if r['preprocess'] else 'off'}"
        )
    ]
    if s["fields"] and not data.scored:
        out.append("no truth for these images: nothing is scored right or wrong (--truth FILE)")
        out.append("field                  mean conf")
        for name, f in s["fields"].items():
            out.append(f"  {name:20} {_conf(f['mean_conf']):>9}")
    elif s["fields"]:
        out.append("field                  right/total  accuracy  mean conf")
        for name, f in s["fields"].items():
            out.append(
                f"  {name:20} {f['right']:>5}/{f['total']:<5}  {_pct(f['accuracy']):>8}  "
                f"{_conf(f['mean_conf']):>9}"
            )
    for name, b in s["breaking_points"].items():
        at = b["breaks_at"]
        out.append(
            f"  {words.degradation(name, 'en')}: "
            + (
                "reads right at every level"
                if at is None
                else f"breaks at {words.level(name, at['level'], 'en')} ({at['wrong']}/{at['of']} wrong; "
                f"confidence warned: {_yes_no(at['confidence_warned'])}, "
                f"pre-flight warned: {_yes_no(at['preflight_warned'])})"
            )
        )
    for tag, groups in analysis.tag_summary(data).items():
        out.append(
            f"  by {tag}: "
            + ", ".join(
                f"{value} {_pct(g['accuracy'])} ({g['right']}/{g['total']})" for value, g in groups.items()
            )
        )
    for name, v in s["validators"].items():
        out.append(
            f"  misreads at {name}: {v['caught']} caught by the validators, {v['missed']} missed, "
            f"{v['unchecked']} with no check"
        )
    lat = s["latency"]
    if lat["mean_ms"] is not None:
        out.append(
            f"  latency: mean {words.ms(lat['mean_ms'])}, median {words.ms(lat['p50_ms'])}, "
            f"95th percentile {words.ms(lat['p95_ms'])}"
        )
    for it in analysis.failed(data):
        out.append(
            f"  failed: {it.image} {words.level(it.degradation, it.level, 'en')} — "
            f"{words.result(it.result_code, it.result_message, it.state, 'en')}"
        )
    return "\n".join(out) + "\n"


def misreads(data: RunData, lang: str = "en") -> list[dict[str, Any]]:
    """Every field read wrong, with what was expected.

    Every field read wrong: the item, the field, expected and read (both masked, the differing
    characters marked ``[ ]``) and the difference in words."""
    out = []
    for it in data.items:
        for name, f in it.fields.items():
            if f["correct"] is not False:
                continue
            diff = f.get("diff") or {}
            out.append(
                {
                    "item": it,
                    "field": name,
                    "expected": f.get("expected"),
                    "value": f["value"],
                    "expected_marked": marked(f.get("expected"), diff.get("expected_marks", [])),
                    "value_marked": marked(f["value"], diff.get("read_marks", [])),
                    "expected_html": marked(
                        f.get("expected"),
                        diff.get("expected_marks", []),
                        left="<mark>",
                        right="</mark>",
                        escape=True,
                    ),
                    "value_html": marked(
                        f["value"], diff.get("read_marks", []), left="<mark>", right="</mark>", escape=True
                    ),
                    "difference": describe(diff, lang) if diff else "",
                    "conf": f["conf"],
                }
            )
    return out


def items_table(data: RunData) -> str:
    """Every item of a run, a line each.

    Every item of a run, a line each: what was sent, what came back, and each field as read (masked)
    with its confidence and ✓/✗ against truth (``?`` with none), a misread with its expected value beside
    it and the differing characters marked; ``qa show`` prints it below the summary."""
    mark = {True: "✓", False: "✗", None: "?"}
    width = max([_cells(it.image) for it in data.items] + [5])
    lines = [
        (
            f"{'#':>4}  {_pad('image', width)}  {'degradation':22}  {'pre-flight':10}  "
            f"{'code':>7}  {'ms':>8}  fields"
        )
    ]
    for it in data.items:
        sweep = words.level(it.degradation, it.level, "en")
        code = "–" if it.result_code is None else str(it.result_code)
        parts = []
        for name, f in it.fields.items():
            diff = f.get("diff") or {}
            shown = (
                marked(f["value"], diff.get("read_marks", []))
                if f["correct"] is False
                else (f["value"] or "–")
            )
            part = " ".join(
                p
                for p in (name, shown, "" if f["conf"] is None else _conf(f["conf"]), mark[f["correct"]])
                if p
            )
            if f["correct"] is False and f.get("expected") is not None:
                part += (
                    f" (expected {marked(f['expected'], diff.get('expected_marks', []))}"
                    + (f": {describe(diff, 'en')}" if diff else "")
                    + ")"
                )
            parts.append(part)
        lines.append(
            f"{it.position + 1:>4}  {_pad(it.image, width)}  {_pad(sweep, 22)}  "
            f"{words.verdict(it.quality_status, 'en'):10}  {code:>7}  {words.ms(it.t_total):>8}  "
            f"{'; '.join(parts) or it.result_message or it.state}"
        )
    return "\n".join(lines) + "\n"


def _cells(text: str) -> int:
    """Terminal columns: a Hangul or other wide character takes two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * max(0, width - _cells(text))


def compare_text(diff: dict[str, Any]) -> str:
    a, b = diff["a"], diff["b"]

    def side(r: dict[str, Any]) -> str:
        return (
            f"run {r['id']} ({words.service(r['service'], 'en')}, {r['backend']} {r['api_version']}, "
            f"preprocessing {'on' if r['preprocess'] else 'off'})"
        )

    out = [
        f"A = {side(a)}; B = {side(b)}",
        "field                  acc A   acc B   Δacc     conf A  conf B  Δconf",
    ]
    for name, f in diff["fields"].items():
        out.append(
            f"  {name:20} {_pct(f['a_accuracy']):>6}  {_pct(f['b_accuracy']):>6}  "
            f"{words.signed_pct(f['accuracy_delta']):>7}  {_conf(f['a_conf']):>6}  {_conf(f['b_conf']):>6}  "
            f"{words.signed_pct(f['conf_delta']):>7}"
        )
    la, lb = diff["latency"]["a"], diff["latency"]["b"]
    out.append(f"latency mean: A {words.ms(la['mean_ms'])}, B {words.ms(lb['mean_ms'])}")
    out.append(f"result codes: A {_codes(diff['result_codes']['a'])}; B {_codes(diff['result_codes']['b'])}")
    out += run_diff_lines(diff["per_image"], "en")
    return "\n".join(out) + "\n"


def image_set_note(per: dict[str, Any], lang: str) -> str:
    """Whether the two runs were of the same images, in a sentence."""
    n = per["images"]
    if not n["common"]:
        return words.word("qa.diff.no_common", lang)
    if per["same_images"]:
        return words.word("qa.diff.same_images", lang, n=n["common"])
    return words.word(
        "qa.diff.images_differ", lang, only_a=n["only_a"], only_b=n["only_b"], common=n["common"]
    )


def run_diff_lines(per: dict[str, Any], lang: str) -> list[str]:
    """The per-image diff of two runs, for the terminal.

    The per-image diff for the terminal: the image-set sentence, the counts, then each image that
    changed (right → wrong first) with its confidence A → B."""
    c = per["counts"]
    out = ["", image_set_note(per, lang)]
    if not per["items"]:
        return out
    out.append(
        words.word(
            "qa.diff.counts",
            lang,
            to_wrong=c["to_wrong"],
            to_right=c["to_right"],
            same=c["same_right"] + c["same_wrong"],
        )
    )
    for r in per["items"]:
        if r["change"] not in ("to_wrong", "to_right"):
            continue
        image = r["image_a"] if r["image_a"] == r["image_b"] else f"{r['image_a']} / {r['image_b']}"
        fields = f" [{', '.join(r['fields'])}]" if r["fields"] else ""
        out.append(
            f"  {words.word('qa.change.' + r['change'], lang):14} {image}  "
            f"{words.level(r['degradation'], r['level'], lang)}{fields}  "
            f"confidence {_conf(r['a_conf'])} → {_conf(r['b_conf'])}"
        )
    return out


def csv_report(data: RunData) -> str:
    """Every item and field of a run as CSV, a row each.

    Every item and field of a run, a row each, the expected value (masked by the same rule) beside the
    read one and the difference in words, and a column per tag; every cell through ``ocr_core.csv_cells``
    (an image named ``=HYPERLINK(…)`` in a ZIP is written as text, not as a formula)."""
    buf = io.StringIO()
    w = csv.writer(buf)
    tags = analysis.tag_names(data)
    w.writerow(
        [
            "run_id",
            "image",
            "degradation",
            "level",
            "state",
            "result_code",
            "result_message",
            "doc_type",
            "preflight",
            "t_total_ms",
            "field",
            "value_masked",
            "conf",
            "correct",
            "checks",
            "expected_masked",
            "difference",
            *[f"tag:{t}" for t in tags],
        ]
    )
    for it in data.items:
        base = [
            data.run["id"],
            it.image,
            it.degradation,
            it.level,
            it.state,
            it.result_code,
            it.result_message,
            it.doc_type,
            it.quality_status,
            None if it.t_total is None else round(it.t_total),
        ]
        tag_cells = [it.tags.get(t) for t in tags]
        if not it.fields:
            w.writerow(safe_row(base + [None] * 7 + tag_cells))
        for name, f in it.fields.items():
            diff = f.get("diff")
            w.writerow(
                safe_row(
                    base
                    + [
                        name,
                        f["value"],
                        f["conf"],
                        f["correct"],
                        checks_cell(f["checks"]),
                        f.get("expected"),
                        describe(diff, "en") if diff else None,
                    ]
                    + tag_cells
                )
            )
    return buf.getvalue()


def checks_cell(records: list[dict[str, Any]] | None) -> str:
    """A field's stored verdicts in one cell.

    A field's stored verdicts in one cell: ``card_luhn=fail:luhn_mismatch; card_expiry=ok:card_valid``
    (``n/a``: the check could not tell); ``not recorded`` for an item stored before verdicts were."""
    if records is None:
        return "not recorded"
    verdict = {True: "ok", False: "fail", None: "n/a"}
    return "; ".join(f"{r['name']}={verdict[r['ok']]}:{r['reason']}" for r in records)


class _Raw(str):
    """A cell already HTML (a value with its differing characters in ``<mark>``): not escaped again."""


def _cell(c: Any) -> str:
    if isinstance(c, _Raw):
        return str(c)
    return html.escape("" if c is None else str(c))


def _table(head: list[str], rows: list[list[Any]]) -> str:
    th = "".join(f"<th>{html.escape(str(h))}</th>" for h in head)
    trs = "".join("<tr>" + "".join(f"<td>{_cell(c)}</td>" for c in r) + "</tr>" for r in rows)
    return f"<table><thead><tr>{th}</tr></thead><tbody>{trs}</tbody></table>"


def _failed_checks(records: list[dict[str, Any]] | None) -> str:
    failed = [r["name"] for r in records or () if r["ok"] is False]
    return f" [✗ {', '.join(failed)}]" if failed else ""


class _Figures:
    """Figures as HTML, plotly.js inlined with the first one only."""

    def __init__(self) -> None:
        self.first = True

    def __call__(self, fig: Any) -> str:
        if fig is None:
            return ""
        out = fig.to_html(full_html=False, include_plotlyjs=self.first, config={"displaylogo": False})
        self.first = False
        return f"<div class='chart'>{out}</div>"


def html_report(data: RunData, lang: str = "en") -> str:
    """One HTML file with everything inside: tables, and Plotly charts with plotly.js inlined."""
    t = _Words(lang)
    w = lambda key, **f: words.word(key, lang, **f)
    s = analysis.summary(data)
    r = data.run
    figure = _Figures()
    parts = [
        f"<h1>{t['title']} #{r['id']}</h1>",
        "<p>"
        + html.escape(
            f"{words.service(r['service'], lang)} · {r['backend']} {r['api_version']} · "
            f"{r['endpoint']} · {words.word('lab.preprocess', lang)}: "
            f"{words.on_off(bool(r['preprocess']), lang)} · {words.status(r['status'], lang)} · "
            f"{r['done']}/{r['total']} · {(r['created_at'] or '')[:19].replace('T', ' ')} · "
            f"keys {_key_versions(r['key_versions'])}"
        )
        + "</p>",
    ]
    scored = data.scored
    conf = {k: _conf(v["mean_conf"]) for k, v in s["fields"].items()}
    if scored:
        parts.append(
            f"<h2>{t['fields']}</h2>"
            + _table(
                [t["field"], t["right"], t["total"], t["accuracy"], t["conf"]],
                [[k, v["right"], v["total"], _pct(v["accuracy"]), conf[k]] for k, v in s["fields"].items()],
            )
        )
        parts.append(
            f"<h2>{t['doc_types']}</h2>"
            + _table(
                [t["doc_type"], t["right"], t["total"], t["accuracy"]],
                [
                    [words.named("val", k, lang), v["right"], v["total"], _pct(v["accuracy"])]
                    for k, v in s["doc_types"].items()
                ],
            )
        )
        parts += [figure(f) for f in charts.batch_figures(data, lang)]
    else:  # nothing to score against: no accuracy, no confusion table
        parts.append(f"<p><em>{html.escape(t['no_truth'])}</em></p>")
        if conf:
            parts.append(
                f"<h2>{t['conf_fields']}</h2>"
                + _table([t["field"], t["conf"]], [[k, c] for k, c in conf.items()])
            )
    if s["breaking_points"]:
        yn = {True: t["yes"], False: t["no"]}
        parts.append(
            f"<h2>{t['breaks']}</h2>"
            + _table(
                [t["degradation"], t["breaks_at"], t["conf_warned"], t["pre_warned"]],
                [
                    [
                        words.degradation(k, lang),
                        t["none"]
                        if b["breaks_at"] is None
                        else words.level(k, b["breaks_at"]["level"], lang),
                        "" if b["breaks_at"] is None else yn[b["breaks_at"]["confidence_warned"]],
                        "" if b["breaks_at"] is None else yn[b["breaks_at"]["preflight_warned"]],
                    ]
                    for k, b in s["breaking_points"].items()
                ],
            )
        )
        parts.append(figure(charts.sweep_figure(data, lang)))
    tags = analysis.tag_summary(data)
    if tags:
        parts.append(f"<h2>{html.escape(w('qa.tags'))}</h2>")
        for tag, groups in tags.items():
            parts.append(
                _table(
                    [w("qa.tag"), w("qa.tag_value"), t["right"], t["total"], t["accuracy"], t["conf"]],
                    [
                        [tag, value, g["right"], g["total"], _pct(g["accuracy"]), _conf(g["mean_conf"])]
                        for value, g in groups.items()
                    ],
                )
            )
            parts.append(figure(charts.tag_figure(data, tag, lang)))
    wrong = misreads(data, lang)
    if wrong:
        parts.append(
            f"<h2 id='misreads'>{html.escape(w('qa.misreads'))}</h2>"
            + _table(
                [
                    t["image"],
                    t["degradation"],
                    t["field"],
                    w("qa.expected"),
                    w("qa.read"),
                    w("qa.difference"),
                    w("qa.confidence"),
                ],
                [
                    [
                        m["item"].image,
                        words.level(m["item"].degradation, m["item"].level, lang),
                        words.named("field", m["field"], lang),
                        _Raw(m["expected_html"]),
                        _Raw(m["value_html"]),
                        m["difference"],
                        _conf(m["conf"]),
                    ]
                    for m in wrong
                ],
            )
        )
    if scored:
        parts.append(
            f"<h2>{t['confusion']}</h2>"
            + _table(
                [t["verdict"], t["right"], t["wrong"]],
                [[words.verdict(k, lang), v["right"], v["wrong"]] for k, v in s["confusion"].items()],
            )
        )
    if s["validators"]:
        parts.append(
            f"<h2>{t['validators']}</h2>"
            + _table(
                [t["degradation"], t["caught"], t["missed"], t["unchecked"]],
                [
                    [words.degradation(k, lang), v["caught"], v["missed"], v["unchecked"]]
                    for k, v in s["validators"].items()
                ],
            )
        )
    parts.append(
        f"<h2>{t['failed']}</h2>"
        + _table(
            [t["image"], t["degradation"], t["code"], ""],
            [
                [
                    i.image,
                    words.level(i.degradation, i.level, lang),
                    words.text(i.result_code),
                    words.result(i.result_code, i.result_message, i.state, lang),
                ]
                for i in analysis.failed(data)
            ],
        )
    )
    parts.append(
        f"<h2>{t['slowest']}</h2>"
        + _table(
            [t["image"], t["degradation"], t["ms"]],
            [
                [i.image, words.level(i.degradation, i.level, lang), words.ms(i.t_total)]
                for i in analysis.slowest(data)
            ],
        )
    )
    marks = {True: " ✓", False: " ✗", None: ""}
    parts.append(
        f"<h2>{t['items']}</h2>"
        + _table(
            [t["image"], t["degradation"], t["code"], t["verdict"], t["values"], w("qa.expected")],
            [
                [
                    i.image,
                    words.level(i.degradation, i.level, lang),
                    words.text(i.result_code) if i.result_code is not None else words.status(i.state, lang),
                    words.verdict(i.quality_status, lang),
                    "; ".join(
                        f"{k}={f['value'] or '–'}{marks[f['correct']]}{_failed_checks(f['checks'])}"
                        for k, f in i.fields.items()
                    ),
                    "; ".join(
                        f"{k}={f.get('expected')}"
                        for k, f in i.fields.items()
                        if f["correct"] is False and f.get("expected") is not None
                    ),
                ]
                for i in data.items
            ],
        )
    )
    style = (
        "body{font-family:sans-serif;margin:2em;max-width:1200px}"
        "table{border-collapse:collapse;margin:.5em 0}"
        "td,th{border:1px solid #ccc;padding:3px 8px;text-align:left}th{background:#f3f3f3}"
        "mark{background:#ffd54f;color:#000;font-weight:bold;padding:0 1px}.chart{margin:1em 0}"
    )
    return (
        f"<!doctype html><html lang='{lang}'><head><meta charset='utf-8'>"
        f"<meta http-equiv='Content-Security-Policy' content=\"default-src 'none'; "
        f"script-src 'unsafe-inline' 'unsafe-eval'; style-src 'unsafe-inline'; img-src data:\">"
        f"<title>{t['title']} #{r['id']}</title><style>{style}</style></head><body>"
        + "".join(parts)
        + "</body></html>"
    )
