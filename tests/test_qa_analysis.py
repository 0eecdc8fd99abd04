"""The lab's analysis of a run that did not send every item: cancelled (Ctrl-C, the Cancel button) or
cut short by the quota. Items never sent say nothing about a level and are not failures."""

from __future__ import annotations

import re

import pytest

from qa.analysis import ItemRow, RunData, breaking_points, failed


def _item(
    position: int,
    image: str,
    degradation: str,
    level: float,
    state: str,
    right: bool | None,
    conf: float = 0.95,
    quality: str = "pass",
) -> ItemRow:
    fields = (
        {}
        if right is None
        else {"totalCardNum": {"value": "439631******9782", "conf": conf, "correct": right, "checks": []}}
    )
    sent = state not in ("pending", "refused")
    return ItemRow(
        position,
        position,
        image,
        degradation,
        level,
        "credit-card",
        state,
        0 if sent else None,
        "SUCCESS" if sent else None,
        quality if sent else None,
        100.0 if sent else None,
        80.0 if sent else None,
        fields,
    )


def _run(*items: ItemRow) -> RunData:
    return RunData({"id": 1, "sweep": [["blur", [0, 2, 4]]], "status": "cancelled"}, list(items))


def test_a_cancelled_run_breaks_where_a_sent_item_read_wrong_counting_only_sent_items():
    data = _run(
        _item(0, "a.png", "none", 0.0, "done", True),
        _item(1, "a.png", "blur", 2.0, "done", True),
        _item(2, "a.png", "blur", 4.0, "done", False, conf=0.4, quality="fail"),
        _item(3, "b.png", "none", 0.0, "pending", None),
        _item(4, "b.png", "blur", 2.0, "pending", None),
        _item(5, "b.png", "blur", 4.0, "pending", None),
    )
    at = breaking_points(data)["blur"]["breaks_at"]
    assert at == {"level": 4.0, "wrong": 1, "of": 1, "confidence_warned": True, "preflight_warned": True}
    assert failed(data) == []  # nothing sent failed; the three pending items were never sent


def test_items_refused_for_quota_or_left_pending_are_no_break_but_a_failed_answer_is():
    data = _run(
        _item(0, "a.png", "none", 0.0, "done", True),
        _item(1, "a.png", "blur", 2.0, "refused", None),
        _item(2, "a.png", "blur", 4.0, "pending", None),
    )
    assert breaking_points(data)["blur"]["breaks_at"] is None
    assert [i.state for i in failed(data)] == ["refused"]
    lost = _run(_item(0, "a.png", "none", 0.0, "done", True), _item(1, "a.png", "blur", 2.0, "lost", None))
    assert breaking_points(lost)["blur"]["breaks_at"] == {
        "level": 2.0,
        "wrong": 1,
        "of": 1,
        "confidence_warned": True,
        "preflight_warned": False,
    }
    assert [i.state for i in failed(lost)] == ["lost"]


RUN = {
    "id": 7,
    "service": "credit-card",
    "backend": "sandbox",
    "api_version": "v2.0",
    "endpoint": "http://x",
    "preprocess": False,
    "status": "done",
    "done": 2,
    "total": 2,
    "failed": 0,
    "created_at": "2026-11-29T10:00:00",
    "key_versions": {"credit-card": "3"},
    "sweep": [],
}


def test_reports_of_a_run_without_truth_say_so_instead_of_scoring_nothing():
    from qa.report import html_report, text_summary

    data = RunData(
        RUN, [_item(0, "a.png", "none", 0.0, "done", None), _item(1, "b.png", "none", 0.0, "done", None)]
    )
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


def _read(
    position: int,
    image: str,
    degradation: str,
    level: float,
    right: bool,
    conf: float,
    sha: str | None = None,
    tags: dict | None = None,
) -> ItemRow:
    row = _item(position, image, degradation, level, "done", right, conf=conf)
    row.sha256 = sha or f"sha-{image}"
    row.tags = dict(tags or {})
    return row


def test_the_per_image_diff_matches_by_source_sha256_and_counts_images_only_one_run_has():
    from qa.analysis import run_diff

    a = _run(
        _read(0, "a.png", "none", 0.0, True, 0.97),
        _read(1, "a.png", "blur", 2.0, True, 0.95),
        _read(2, "b.png", "none", 0.0, False, 0.41),
        _read(3, "c.png", "none", 0.0, True, 0.9),
    )
    b = _run(
        _read(0, "renamed.png", "none", 0.0, False, 0.62, sha="sha-a.png"),
        _read(1, "renamed.png", "blur", 2.0, True, 0.96, sha="sha-a.png"),
        _read(2, "b.png", "none", 0.0, True, 0.88),
        _read(3, "d.png", "none", 0.0, True, 0.9),
    )
    diff = run_diff(a, b)
    assert (
        diff["images"] == {"a": 3, "b": 3, "common": 2, "only_a": 1, "only_b": 1} and not diff["same_images"]
    )
    assert diff["counts"] == {"to_wrong": 1, "to_right": 1, "same_wrong": 0, "same_right": 1, "unscored": 0}
    first = diff["items"][0]
    assert (first["image_a"], first["image_b"], first["change"], first["fields"]) == (
        "a.png",
        "renamed.png",
        "to_wrong",
        ["totalCardNum"],
    )
    assert round(first["conf_delta"], 2) == -0.35
    assert run_diff(a, a)["same_images"] and run_diff(a, a)["counts"]["same_right"] == 3


def test_items_filter_by_wrong_confidence_level_and_tag_and_sort_by_confidence():
    from qa.analysis import ItemFilter, filter_items, tag_summary

    data = _run(
        _read(0, "a.png", "none", 0.0, True, 0.97, tags={"device": "S21"}),
        _read(1, "a.png", "blur", 2.0, False, 0.5, tags={"device": "S21"}),
        _read(2, "b.png", "none", 0.0, False, 0.7, tags={"device": "iPhone"}),
        _read(3, "b.png", "blur", 2.0, True, 0.85, tags={"device": "iPhone"}),
    )

    def positions(**f) -> list[int]:
        return [i.position for i in filter_items(data, ItemFilter(**f))]

    assert positions() == [0, 1, 2, 3]
    assert positions(wrong_only=True) == [1, 2]
    assert positions(below=0.8) == [1, 2]
    assert positions(degradation="blur", level=2.0) == [1, 3]
    assert positions(tag=("device", "iPhone")) == [2, 3]
    assert positions(by_confidence=True) == [1, 2, 3, 0]
    assert positions(wrong_only=True, tag=("device", "S21")) == [1]
    assert tag_summary(data) == {
        "device": {
            "iPhone": {"right": 1, "total": 2, "accuracy": 0.5, "mean_conf": pytest.approx(0.775)},
            "S21": {"right": 1, "total": 2, "accuracy": 0.5, "mean_conf": 0.735},
        }
    }


def test_sweep_series_go_from_mildest_to_harshest_in_each_degradations_own_direction():
    from qa.analysis import sweep_series

    data = RunData(
        {"id": 1, "sweep": [["dark", [1, 0.6, 0.2]], ["blur", [0, 3]]], "status": "done"},
        [
            _read(0, "a.png", "none", 0.0, True, 0.97),
            _read(1, "a.png", "dark", 0.6, True, 0.9),
            _read(2, "a.png", "dark", 0.2, False, 0.3),
            _read(3, "a.png", "blur", 3.0, True, 0.8),
        ],
    )
    s = sweep_series(data)
    assert list(s) == ["blur", "dark"]  # the catalogue's order
    assert s["dark"]["levels"] == [1.0, 0.6, 0.2] and s["dark"]["accuracy"] == [1.0, 1.0, 0.0]
    assert s["dark"]["breaks_at"]["level"] == 0.2 and s["blur"]["breaks_at"] is None
    assert s["blur"]["levels"] == [0.0, 3.0] and s["blur"]["confidence"] == [0.97, 0.8]


def test_the_sweep_chart_is_small_multiples_each_in_its_own_unit_direction_and_colour():
    from qa.charts import sweep_figure

    data = RunData(
        {"id": 1, "sweep": [["dark", [1, 0.6, 0.2]], ["blur", [0, 3]], ["jpeg", [90, 10]]], "status": "done"},
        [
            _read(0, "a.png", "none", 0.0, True, 0.97),
            _read(1, "a.png", "dark", 0.6, True, 0.9),
            _read(2, "a.png", "dark", 0.2, False, 0.3),
            _read(3, "a.png", "blur", 3.0, True, 0.8),
            _read(4, "a.png", "jpeg", 90.0, True, 0.95),
            _read(5, "a.png", "jpeg", 10.0, True, 0.9),
        ],
    )
    fig = sweep_figure(data, "en")
    assert fig is not None
    layout = fig.layout
    assert [a.text for a in layout.annotations][:3] == ["Blur", "Darkness", "JPEG quality"]
    assert (layout.xaxis.title.text, layout.xaxis2.title.text, layout.xaxis3.title.text) == (
        "σ px — worse →",
        "× exposure — worse →",
        "quality — worse →",
    )
    assert (layout.xaxis.autorange, layout.xaxis2.autorange, layout.xaxis3.autorange) == (
        True,
        "reversed",
        "reversed",
    )
    colours = {tr.meta[0]: tr.line.color for tr in fig.data if tr.meta[0] != "legend"}
    assert len(set(colours.values())) == 3
    assert [(s.x0, s.xref) for s in layout.shapes] == [
        (0.2, "x2")
    ]  # darkness breaks at 0.2, in its own chart
    assert "breaks at 0.2 × exposure" in [a.text for a in layout.annotations]
    assert sweep_figure(RunData(RUN, [_read(0, "a.png", "none", 0.0, True, 0.9)])) is None
    ko = sweep_figure(data, "ko")
    assert ko is not None
    assert [a.text for a in ko.layout.annotations][:3] == ["흐림", "어두움", "JPEG 품질"]


def test_a_batch_report_has_charts_and_numbers_as_people_read_them():
    from qa.analysis import compare
    from qa.report import compare_text, html_report, text_summary

    data = RunData(
        {**RUN, "preprocess": False},
        [
            _read(0, "a.png", "none", 0.0, True, 0.9667, tags={"lighting": "dim"}),
            _read(1, "b.png", "none", 0.0, False, 0.41, tags={"lighting": "daylight"}),
        ],
    )
    data.items[0].t_total = 3215.2989
    page = html_report(data)
    assert page.count("class='chart'") == 4  # per field, per document type, right vs wrong, and the tag
    assert "Accuracy by lighting" in page and "97%" in page
    words = re.sub(r"<script.*?</script>", "", page, flags=re.DOTALL)  # the charts' data aside
    for raw in ("0.9667", "3215.2989", "None", "preprocess False", "{'"):
        assert raw not in words, raw
    text = text_summary(data)
    assert "latency: mean 1,658 ms" in text and "by lighting: daylight 0% (0/1), dim 100% (1/1)" in text
    assert "0.9667" not in text and "None" not in text and "False" not in text
    versus = compare_text(compare(data, data))
    assert "{" not in versus and "0 ×2" in versus and "preprocessing off" in versus
    ko = html_report(data, "ko")
    assert "신용카드" in ko and "통과" in ko


def test_an_answer_reads_yes_or_no_and_a_switch_on_or_off_in_either_language():
    """ "Did confidence predict the break?" is answered 예/아니요; preprocessing is 켬/끔 (a switch)."""
    from qa import words

    assert [words.yes_no(v, "ko") for v in (True, False, None)] == ["예", "아니요", "–"]
    assert [words.yes_no(v, "en") for v in (True, False)] == ["yes", "no"]
    assert [words.on_off(v, "ko") for v in (True, False)] == ["켬", "끔"]
    assert [words.on_off(v, "en") for v in (True, False)] == ["on", "off"]
