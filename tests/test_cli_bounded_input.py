"""``python -m ocr_core`` reads at most the API's limit of a named file: a file of gigabytes is refused
as too large at the cost of 20 MB, not read whole first (the audit's rule: every input bounded before
it costs). Measured in its own process: its peak resident memory, and no request at the sandbox."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# VmHWM, this process's own peak: ru_maxrss would also count the parent's (Linux keeps the pre-exec
# peak of a forked child in it, and the parent here is a pytest holding a whole suite).
PEAK_PROBE = """
import re, sys
from ocr_core.cli import main
try:
    code = main(sys.argv[1:])
finally:
    peak = re.search(r"VmHWM:\\s+(\\d+) kB", open("/proc/self/status").read()).group(1)
    print(f"PEAK_KB={peak}", file=sys.stderr)
sys.exit(code)
"""


@pytest.mark.slow  # a CLI process
def test_a_3_gb_file_is_refused_as_too_large_without_being_read(tmp_path):
    big = tmp_path / "big.png"
    with big.open("wb") as handle:  # sparse: 3 GB on paper, nothing on disk
        handle.truncate(3 * 1024**3)
    env = {
        **os.environ,
        "NHN_OCR_BASE_URL": "http://127.0.0.1:9",
        "NHN_OCR_APPKEY": "a",
        "NHN_OCR_SECRETKEY": "b",
    }
    done = subprocess.run(
        [sys.executable, "-c", PEAK_PROBE, "credit-card", str(big)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 4, done.stderr[-2000:]
    assert "3072.0 MB" in done.stderr and "20.0 MB" in done.stderr and "Traceback" not in done.stderr
    peak_mb = int(done.stderr.rsplit("PEAK_KB=", 1)[1].split()[0]) / 1024
    assert peak_mb < 400, f"peak {peak_mb:.0f} MB: the file was read whole"
