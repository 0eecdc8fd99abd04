"""A run as text (CLI), CSV, and one self-contained HTML page (Plotly's JS inlined: opening it
requests nothing from any other host). Masked values only, as stored."""
from __future__ import annotations

import csv
import html
import io
import unicodedata
from typing import Any

import plotly.graph_objects as go

from l10n import message
from ocr_core.csv_cells import safe_row
from qa import analysis
from qa.analysis import RunData
from qa.sweeps import DEGRADATIONS


class _Words:
    """The report's words in one language, from the message catalogue (``rep.<key>``)."""

    def __init__(self, lang: str) -> None:
        self.lang = lang

    def __getitem__(self, key: str) -> str:
        return message(f"rep.{key}", self.lang)


def _pct(x: float | None) -> str:
    return "–" if x is None else f"{100 * x:.0f}%"


def runs_table(runs: list[dict[str, Any]]) -> str:
    lines = [f"{'id':>4}  {'created':19}  {'service':11}  {'backend':7}  {'api':4}  {'status':11}  done/total"]
    for r in runs:
        lines.append(f"{r['id']:>4}  {(r['created_at'] or '')[:19]:19}  {r['service']:11}  {r['backend']:7}  "
                     f"{r['api_version']:4}  {r['status']:11}  {r['done']}/{r['total']}")
    return "\n".join(lines) + "\n"


def _key_versions(versions: dict[str, Any] | None) -> str:
    return ", ".join(f"{service} v{version}" for service, version in sorted((versions or {}).items())) or "–"


def text_summary(data: RunData) -> str:
    r = data.run
    s = analysis.summary(data)
    out = [(f"run {r['id']}: {r['service']} on {r['backend']} {r['api_version']} — {r['status']}, "
           f"{r['done']}/{r['total']} done, {r['failed']} failed")]
    if s["fields"] and not data.scored:
        out.append("no truth for these images: nothing is scored right or wrong (--truth FILE)")
        out.append("field                  mean conf")
        for name, f in s["fields"].items():
            out.append(f"  {name:20} {'–' if f['mean_conf'] is None else format(f['mean_conf'], '.3f'):>9}")
    elif s["fields"]:
        out.append("field                  right/total  accuracy  mean conf")
        for name, f in s["fields"].items():
            conf = "–" if f["mean_conf"] is None else f"{f['mean_conf']:.3f}"
            out.append(f"  {name:20} {f['right']:>5}/{f['total']:<5}  {_pct(f['accuracy']):>8}  {conf:>9}")
    for name, b in s["breaking_points"].items():
        at = b["breaks_at"]
        out.append(f"  {name}: " + ("reads right at every level" if at is None else
                   f"breaks at {at['level']:g} ({at['wrong']}/{at['of']} wrong; confidence warned: "
                   f"{at['confidence_warned']}, pre-flight warned: {at['preflight_warned']})"))
    for name, v in s["validators"].items():
        out.append(f"  misreads at {name}: {v['caught']} caught by the validators, {v['missed']} missed, "
                   f"{v['unchecked']} with no check")
    for it in analysis.failed(data):
        out.append(f"  failed: {it.image} {it.degradation}:{it.level:g} — {it.result_code or ''} "
                   f"{it.result_message or it.state}")
    return "\n".join(out) + "\n"


def items_table(data: RunData) -> str:
    """Every item of a run, a line each: what was sent, what came back, and each field as read (masked)
    with its confidence and ✓/✗ against truth (``?`` with none); ``qa show`` prints it below the summary."""
    mark = {True: "✓", False: "✗", None: "?"}
    width = max([_cells(it.image) for it in data.items] + [5])
    lines = [f"{'#':>4}  {_pad('image', width)}  {'degradation':13}  {'pre-flight':10}  {'code':>7}  {'ms':>6}  fields"]
    for it in data.items:
        sweep = "as given" if it.degradation == "none" else f"{it.degradation} {it.level:g}"
        code = "–" if it.result_code is None else str(it.result_code)
        ms = "–" if it.t_total is None else f"{it.t_total:.0f}"
        fields = "; ".join(" ".join(part for part in (name, f["value"] or "–", "" if f["conf"] is None
                                                      else f"{f['conf']:.2f}", mark[f["correct"]]) if part)
                           for name, f in it.fields.items())
        lines.append(f"{it.position + 1:>4}  {_pad(it.image, width)}  {sweep:13}  {it.quality_status or '–':10}  "
                     f"{code:>7}  {ms:>6}  {fields or it.result_message or it.state}")
    return "\n".join(lines) + "\n"


def _cells(text: str) -> int:
    """Terminal columns: a Hangul or other wide character takes two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _cells(text))


def compare_text(diff: dict[str, Any]) -> str:
    a, b = diff["a"], diff["b"]
    out = [(f"A = run {a['id']} ({a['backend']} {a['api_version']}, preprocess {a['preprocess']}); "
           f"B = run {b['id']} ({b['backend']} {b['api_version']}, preprocess {b['preprocess']})"),
           "field                  acc A   acc B   Δacc    conf A  conf B  Δconf"]
    for name, f in diff["fields"].items():
        def n(x: float | None, fmt: str = "{:+.2f}") -> str:
            return "–" if x is None else fmt.format(x)
        out.append(f"  {name:20} {_pct(f['a_accuracy']):>6}  {_pct(f['b_accuracy']):>6}  "
                   f"{n(f['accuracy_delta']):>6}  {n(f['a_conf'], '{:.3f}'):>6}  {n(f['b_conf'], '{:.3f}'):>6}  "
                   f"{n(f['conf_delta'], '{:+.3f}'):>6}")
    la, lb = diff["latency"]["a"], diff["latency"]["b"]
    out.append(f"latency mean: A {la['mean_ms'] or 0:.0f} ms, B {lb['mean_ms'] or 0:.0f} ms")
    out.append(f"result codes: A {diff['result_codes']['a']}, B {diff['result_codes']['b']}")
    return "\n".join(out) + "\n"


def csv_report(data: RunData) -> str:
    """Every item and field of a run, a row each; every cell through ``ocr_core.csv_cells`` (an image
    named ``=HYPERLINK(…)`` in a ZIP is written as text, not as a formula)."""
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(["run_id", "image", "degradation", "level", "state", "result_code", "result_message", "doc_type",
                "preflight", "t_total_ms", "field", "value_masked", "conf", "correct", "checks"])
    for it in data.items:
        base = [data.run["id"], it.image, it.degradation, it.level, it.state, it.result_code,
                it.result_message, it.doc_type, it.quality_status,
                None if it.t_total is None else round(it.t_total, 1)]
        if not it.fields:
            w.writerow(safe_row(base + [None, None, None, None, None]))
        for name, f in it.fields.items():
            w.writerow(safe_row(base + [name, f["value"], f["conf"], f["correct"], checks_cell(f["checks"])]))
    return buf.getvalue()


def checks_cell(records: list[dict[str, Any]] | None) -> str:
    """A field's stored verdicts in one cell: ``card_luhn=fail:luhn_mismatch; card_expiry=ok:card_valid``
    (``n/a``: the check could not tell); ``not recorded`` for an item stored before verdicts were."""
    if records is None:
        return "not recorded"
    verdict = {True: "ok", False: "fail", None: "n/a"}
    return "; ".join(f"{r['name']}={verdict[r['ok']]}:{r['reason']}" for r in records)


def level_figure(data: RunData, metric: str, lang: str = "en") -> go.Figure:
    """Accuracy (``metric="right"``) or mean confidence (``"min_conf"``) against each degradation's
    level, one line per document type, one subplot-like trace group per degradation."""
    rows = [r for r in analysis.level_curves(data) if r["degradation"] != "none"]
    fig = go.Figure()
    groups: dict[tuple[str, str], dict[float, list[float]]] = {}
    for r in rows:
        value = r[metric]
        if value is None:
            continue
        groups.setdefault((r["degradation"], r["doc_type"] or "?"), {}).setdefault(r["level"], []).append(
            float(value))
    for (deg, doc), levels in sorted(groups.items()):
        xs = sorted(levels)
        fig.add_trace(go.Scatter(x=xs, y=[sum(levels[x]) / len(levels[x]) for x in xs], mode="lines+markers",
                                 name=f"{deg} · {doc}",
                                 hovertemplate=f"{deg} %{{x}} {DEGRADATIONS[deg].unit}<br>%{{y:.2f}}<extra>{doc}</extra>"))
    t = _Words(lang)
    fig.update_layout(title=t["chart_acc"] if metric == "right" else t["chart_conf"], height=360,
                      margin={"l": 40, "r": 10, "t": 50, "b": 40}, yaxis={"range": [0, 1.05]},
                      xaxis_title=t["level"], legend={"orientation": "h"})
    return fig


def _table(head: list[str], rows: list[list[Any]]) -> str:
    th = "".join(f"<th>{html.escape(str(h))}</th>" for h in head)
    trs = "".join("<tr>" + "".join(f"<td>{html.escape('' if c is None else str(c))}</td>" for c in r) + "</tr>"
                  for r in rows)
    return f"<table><thead><tr>{th}</tr></thead><tbody>{trs}</tbody></table>"


def _failed_checks(records: list[dict[str, Any]] | None) -> str:
    failed = [r["name"] for r in records or () if r["ok"] is False]
    return f" [✗ {', '.join(failed)}]" if failed else ""


def html_report(data: RunData, lang: str = "en") -> str:
    """One HTML file with everything inside: tables, and Plotly charts with plotly.js inlined."""
    t = _Words(lang)
    s = analysis.summary(data)
    r = data.run
    parts = [f"<h1>{t['title']} #{r['id']}</h1>",
             "<p>" + html.escape(f"{r['service']} · {r['backend']} {r['api_version']} · {r['endpoint']} · "
                                 f"preprocess {r['preprocess']} · {r['status']} · {r['done']}/{r['total']} · "
                                 f"{r['created_at']} · keys {_key_versions(r['key_versions'])}") + "</p>"]
    scored = data.scored
    conf = {k: "–" if v["mean_conf"] is None else f"{v['mean_conf']:.3f}" for k, v in s["fields"].items()}
    if scored:
        parts.append(f"<h2>{t['fields']}</h2>" + _table(
            [t["field"], t["right"], t["total"], t["accuracy"], t["conf"]],
            [[k, v["right"], v["total"], _pct(v["accuracy"]), conf[k]] for k, v in s["fields"].items()]))
        parts.append(f"<h2>{t['doc_types']}</h2>" + _table(
            [t["doc_type"], t["right"], t["total"], t["accuracy"]],
            [[k, v["right"], v["total"], _pct(v["accuracy"])] for k, v in s["doc_types"].items()]))
    else:  # nothing to score against: no accuracy, no confusion table
        parts.append(f"<p><em>{html.escape(t['no_truth'])}</em></p>")
        if conf:
            parts.append(f"<h2>{t['conf_fields']}</h2>" + _table([t["field"], t["conf"]], [[k, c] for k, c in conf.items()]))
    if s["breaking_points"]:
        yn = {True: t["yes"], False: t["no"]}
        parts.append(f"<h2>{t['breaks']}</h2>" + _table(
            [t["degradation"], t["breaks_at"], t["conf_warned"], t["pre_warned"]],
            [[k, t["none"] if b["breaks_at"] is None else f"{b['breaks_at']['level']:g}",
              "" if b["breaks_at"] is None else yn[b["breaks_at"]["confidence_warned"]],
              "" if b["breaks_at"] is None else yn[b["breaks_at"]["preflight_warned"]]]
             for k, b in s["breaking_points"].items()]))
        for i, metric in enumerate(("right", "min_conf")):
            parts.append(level_figure(data, metric, lang).to_html(full_html=False, include_plotlyjs=i == 0))
    if scored:
        parts.append(f"<h2>{t['confusion']}</h2>" + _table(
            [t["verdict"], t["right"], t["wrong"]], [[k, v["right"], v["wrong"]] for k, v in s["confusion"].items()]))
    if s["validators"]:
        parts.append(f"<h2>{t['validators']}</h2>" + _table(
            [t["degradation"], t["caught"], t["missed"], t["unchecked"]],
            [[k, v["caught"], v["missed"], v["unchecked"]] for k, v in s["validators"].items()]))
    parts.append(f"<h2>{t['failed']}</h2>" + _table(
        [t["image"], t["degradation"], t["level"], t["code"], ""],
        [[i.image, i.degradation, f"{i.level:g}", i.result_code, i.result_message] for i in analysis.failed(data)]))
    parts.append(f"<h2>{t['slowest']}</h2>" + _table(
        [t["image"], t["degradation"], t["level"], t["ms"]],
        [[i.image, i.degradation, f"{i.level:g}", f"{i.t_total:.0f}"] for i in analysis.slowest(data)]))
    marks = {True: " ✓", False: " ✗", None: ""}
    parts.append(f"<h2>{t['items']}</h2>" + _table(
        [t["image"], t["degradation"], t["level"], t["code"], t["verdict"], t["values"]],
        [[i.image, i.degradation, f"{i.level:g}", i.result_code if i.result_code is not None else i.state,
          i.quality_status, "; ".join(f"{k}={f['value']}{marks[f['correct']]}{_failed_checks(f['checks'])}"
                                      for k, f in i.fields.items())]
         for i in data.items]))
    style = ("body{font-family:sans-serif;margin:2em;max-width:1100px}table{border-collapse:collapse;margin:.5em 0}"
             "td,th{border:1px solid #ccc;padding:3px 8px;text-align:left}th{background:#f3f3f3}")
    return (f"<!doctype html><html lang='{lang}'><head><meta charset='utf-8'>"
            f"<meta http-equiv='Content-Security-Policy' content=\"default-src 'none'; script-src 'unsafe-inline' "
            f"'unsafe-eval'; style-src 'unsafe-inline'; img-src data:\">"
            f"<title>{t['title']} #{r['id']}</title><style>{style}</style></head><body>"
            + "".join(parts) + "</body></html>")
