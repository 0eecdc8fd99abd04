"""Debian's Chromium driven by Playwright, started the one way this machine allows: its own binary
(a browser download cannot work here), headless, no sandbox, and no background traffic to Google."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = "/usr/bin/chromium"
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

needs_chromium = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium is not installed")
"""The mark of every real-browser test module (in its ``pytestmark``)."""


SETTLED = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  return !!app && app.dataset.testScriptState === 'notRunning'
    && !document.querySelector('[data-stale="true"]')
    && !document.querySelector('[data-testid="stSkeleton"]')
    && !document.querySelector('[data-testid="stStatusWidget"]');
}"""
"""Streamlit has finished the script run (its app element says ``notRunning``: every delta of the run has
been received), nothing on the page is stale, no element still waits for its lazily loaded code (the
``stSkeleton`` stand-in Streamlit shows meanwhile: a button there cannot be found yet), and the running
widget is gone."""
PAINTED = "() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(() => done(true))))"
"""Resolves after the browser has painted what the DOM holds now (two animation frames)."""


def settled(pg: Any, timeout: float = 120_000) -> None:
    """Wait until the page has settled (``SETTLED``) and is painted, instead of a fixed pause after it."""
    pg.wait_for_function(SETTLED, timeout=timeout)
    pg.evaluate(PAINTED)


@contextmanager
def chromium() -> Iterator[Any]:
    """A running headless Chromium (a Playwright ``Browser``), closed after the block."""
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS)
        try:
            yield browser
        finally:
            browser.close()


# Layout defects a person sees, measured in the page (``page.evaluate(LAYOUT_PROBE)`` → a list of
# problems, empty when none): a word split over lines (Range rects per word) in metric labels and
# values, table headers, number cells and short cells; a verdict cell (a mark and its word, "✓ 통과")
# on more than one line; a value cut with an ellipsis or scrolled out of its box (scrollWidth beyond
# clientWidth: metric values, a date range); a table wider than its column.
LAYOUT_PROBE = r"""
() => {
  const main = document.querySelector('[data-testid="stMain"]');
  const problems = [];
  const lineCount = (range) =>
    new Set([...range.getClientRects()].filter(q => q.width > 0).map(q => Math.round(q.top))).size;
  const splitWords = (el, what) => {
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const text = node.textContent;
      const re = /[^\s·,()/]+/g; let m;
      while ((m = re.exec(text)) !== null) {
        if (m[0].length < 2) continue;
        const r = document.createRange(); r.setStart(node, m.index); r.setEnd(node, m.index + m[0].length);
        const lines = lineCount(r);
        if (lines > 1) problems.push(`${what}: "${m[0]}" split over ${lines} lines`);
      }
    }
  };
  main.querySelectorAll('[data-testid="stMetricLabel"]').forEach(el => splitWords(el, 'metric label'));
  main.querySelectorAll('[data-testid="stMetricValue"]').forEach(el => {
    splitWords(el, 'metric value');
    el.querySelectorAll('*').forEach(c => { if (c.scrollWidth > c.clientWidth + 1)
      problems.push(`metric value cut: "${el.innerText}"`); });
  });
  main.querySelectorAll('table.studio-table').forEach(t => {
    const box = t.parentElement.getBoundingClientRect();
    if (t.getBoundingClientRect().width > box.width + 1) problems.push('table wider than its column');
    t.querySelectorAll('th').forEach(el => splitWords(el, 'table header'));
    t.querySelectorAll('td').forEach(el => {
      const text = el.innerText.trim();
      if (/^[\d*\-]+$/.test(text) || text.length <= 16) splitWords(el, 'table value');
      if (/^[✓✗⚠–≠] \S+$/.test(text)) {
        const r = document.createRange(); r.selectNodeContents(el);
        const lines = lineCount(r);
        if (lines > 1) problems.push(`verdict "${text}" on ${lines} lines`);
      }
    });
  });
  main.querySelectorAll('[data-testid="stDateInputFieldsScroller"]').forEach(el => {
    if (el.scrollWidth > el.clientWidth + 1)
      problems.push(`date cut: "${el.innerText}" (${el.clientWidth}px shows ${el.scrollWidth}px)`);
  });
  return problems;
}
"""


# The lab's sweep chart as Chromium drew it (``qa.charts.sweep_figure``, in the page or the HTML report):
# its subplot titles, each x axis's title and whether it is reversed, the stroke colour each
# degradation's lines were drawn in, and how many breaking points are marked.
SWEEP_CHART_PROBE = """() => {
  const gd = [...document.querySelectorAll('.js-plotly-plot')].find(
      g => g.data.some(t => (Array.isArray(t.meta) && t.meta[1] === 'accuracy')
        || (t.meta || [])[1] === 'confidence'));
  const lay = gd._fullLayout;
  const axes = Object.keys(lay).filter(k => /^xaxis\\d*$/.test(k)).sort();
  const strokes = {};
  gd.querySelectorAll('g.trace.scatter').forEach(g => {
    const t = g.__data__ && g.__data__[0] && g.__data__[0].trace;
    if (!t || !Array.isArray(t.meta) || t.meta[0] === 'legend') return;
    const path = g.querySelector('path.js-line');
    if (path) strokes[t.meta[0]] = getComputedStyle(path).stroke;
  });
  return {
    titles: [...gd.querySelectorAll('.infolayer text')]
        .filter(e => /^x\\d*title$/.test(e.getAttribute('class')))
        .map(e => e.textContent),
    subplots: [...gd.querySelectorAll('.annotation-text')].map(e => e.textContent),
    axes: axes.map(k => ({title: lay[k].title.text, reversed: lay[k].range[0] > lay[k].range[1]})),
    strokes,
    shapes: (gd.layout.shapes || []).length,
  };
}"""


def sweep_chart(pg: Any, lines: int = 2, timeout: float = 30_000) -> dict[str, Any]:
    """``SWEEP_CHART_PROBE`` once the chart has drawn the lines of ``lines`` degradations: Plotly draws a
    chart's axes and titles before its lines, and a loaded machine showed the probe a chart without them."""
    pg.wait_for_function(
        f"() => {{ try {{ return Object.keys(({SWEEP_CHART_PROBE})().strokes).length >= {lines}; }}"
        " catch (e) { return false; } }",
        timeout=timeout,
    )
    chart: dict[str, Any] = pg.evaluate(SWEEP_CHART_PROBE)
    return chart
