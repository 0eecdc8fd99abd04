"""What the tests and the benchmarks share (``tests/`` and ``bench/`` both import it; neither imports the
other): a fixed-answer engine for the sandbox (``readings``), a dashboard in a subprocess
(``dashboard_process``) and Debian's Chromium through Playwright (``browser``). Not installed with the
project: run from the repository root, as ``./studio test`` and ``python -m bench.…`` do."""
