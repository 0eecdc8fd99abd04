"""The lab's analysis of a run that did not send every item: cancelled (Ctrl-C, the Cancel button) or
cut short by the quota. Items never sent say nothing about a level and are not failures."""
from __future__ import annotations

from qa.analysis import ItemRow, RunData, breaking_points, failed


def _item(position: int, image: str, degradation: str, level: float, state: str, right: bool | None,
          conf: float = 0.95, quality: str = "pass") -> ItemRow:
    fields = {} if right is None else {"totalCardNum": {"value": "439631******9782", "conf": conf,
                                                         "correct": right, "checks": []}}
    sent = state not in ("pending", "refused")
    return ItemRow(position, position, image, degradation, level, "credit-card", state, 0 if sent else None,
                   "SUCCESS" if sent else None, quality if sent else None, 100.0 if sent else None,
                   80.0 if sent else None, fields)


def _run(*items: ItemRow) -> RunData:
    return RunData({"id": 1, "sweep": [["blur", [0, 2, 4]]], "status": "cancelled"}, list(items))


def test_a_cancelled_run_breaks_where_a_sent_item_read_wrong_counting_only_sent_items():
    data = _run(
        _item(0, "a.png", "none", 0.0, "done", True), _item(1, "a.png", "blur", 2.0, "done", True),
        _item(2, "a.png", "blur", 4.0, "done", False, conf=0.4, quality="fail"),
        _item(3, "b.png", "none", 0.0, "pending", None), _item(4, "b.png", "blur", 2.0, "pending", None),
        _item(5, "b.png", "blur", 4.0, "pending", None))
    at = breaking_points(data)["blur"]["breaks_at"]
    assert at == {"level": 4.0, "wrong": 1, "of": 1, "confidence_warned": True, "preflight_warned": True}
    assert failed(data) == []  # nothing sent failed; the three pending items were never sent


def test_items_refused_for_quota_or_left_pending_are_no_break_but_a_failed_answer_is():
    data = _run(_item(0, "a.png", "none", 0.0, "done", True), _item(1, "a.png", "blur", 2.0, "refused", None),
                _item(2, "a.png", "blur", 4.0, "pending", None))
    assert breaking_points(data)["blur"]["breaks_at"] is None
    assert [i.state for i in failed(data)] == ["refused"]
    lost = _run(_item(0, "a.png", "none", 0.0, "done", True), _item(1, "a.png", "blur", 2.0, "lost", None))
    assert breaking_points(lost)["blur"]["breaks_at"] == {"level": 2.0, "wrong": 1, "of": 1,
                                                          "confidence_warned": True, "preflight_warned": False}
    assert [i.state for i in failed(lost)] == ["lost"]


RUN = {"id": 7, "service": "credit-card", "backend": "sandbox", "api_version": "v2.0", "endpoint": "http://x",
       "preprocess": False, "status": "done", "done": 2, "total": 2, "failed": 0, "created_at": "2026-11-29T10:00:00",
       "key_versions": {"credit-card": "3"}, "sweep": []}


def test_reports_of_a_run_without_truth_say_so_instead_of_scoring_nothing():
    from qa.report import html_report, text_summary

    data = RunData(RUN, [_item(0, "a.png", "none", 0.0, "done", None), _item(1, "b.png", "none", 0.0, "done", None)])
    for i in data.items:  # read, but nothing to compare with
        i.fields["totalCardNum"] = {"value": "439631******9782", "conf": 0.9, "correct": None, "checks": []}
    page = html_report(data)
    assert "No truth for these images" in page and "<h2>Confidence per field</h2>" in page
    assert "Accuracy per field" not in page and "Pre-flight verdict against reads" not in page
    assert "keys credit-card v3" in page and "{" not in page.split("<body>")[1].split("<h2>")[0]
    text = text_summary(data)
    assert "no truth for these images" in text and "right/total" not in text
    scored = RunData(RUN, [_item(0, "a.png", "none", 0.0, "done", True)])
    page = html_report(scored, "ko")
    assert "<h2>필드별 정확도</h2>" in page and "정답이 없어" not in page and "<th>문서 종류</th>" in page
