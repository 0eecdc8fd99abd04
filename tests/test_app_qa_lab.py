"""AppTest of the QA Lab and Runs pages: a sweep runs on the queue while the page only reads progress."""
from __future__ import annotations

import time

import tests.support.qa_env  # noqa: F401  (before anything imports qa.tasks)

import pytest

from tests.support.apptest import assert_clean, open_page, page_text, sandbox, truth  # noqa: F401

pytestmark = pytest.mark.usefixtures("sandbox")
LAB = "views/qa_lab.py"
RUNS = "views/runs.py"


def _wait_done(at, timeout: float = 240.0):
    from qa.analysis import load_run
    from ui import lab

    run_id = at.session_state["lab_run"]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if load_run(lab.factory(), run_id).run["status"] in ("done", "cancelled"):
            break
        time.sleep(0.5)
    at.run()
    return run_id


def test_sweep_runs_on_the_queue_and_shows_results():
    at = open_page(LAB)
    assert_clean(at)
    assert at.button(key="lab_start").disabled  # nothing chosen yet
    at.multiselect(key="lab_specimens").set_value(["cards/visa_blue_flat.png"]).run()
    at.multiselect(key="lab_sweep").set_value(["scale"]).run()
    at.text_input(key="lab_levels_scale").set_value("1,0.15").run()
    assert any("2 calls" in c.value for c in at.caption)
    at.button(key="lab_start").click().run()
    assert_clean(at)
    run_id = _wait_done(at)
    assert_clean(at)
    text = page_text(at)
    assert truth("cards/visa_blue_flat.png")["cardNumber"] not in text  # masked everywhere
    fields = next(df.value for df in at.dataframe if "Accuracy" in df.value.columns and "Field" in df.value.columns)
    assert len(fields) == 2  # card number and expiry, scored against the specimen's truth
    breaks = next(df.value for df in at.dataframe if "First failing level" in df.value.columns)
    assert list(breaks["Degradation"]) == ["scale"]
    assert len(at.get("plotly_chart")) == 2
    from qa.analysis import load_run
    from ui import lab

    data = load_run(lab.factory(), run_id)
    assert [i.state for i in data.items] == ["done", "done"]

    runs = open_page(RUNS)
    assert_clean(runs)
    table = next(df.value for df in runs.dataframe if "#" in df.value.columns)
    assert run_id in list(table["#"])
