"""Import first in QA tests: the lab's data folder (database, queue, spool) goes to a temporary
directory for the whole test session, never the developer's ``data/``; removed when the session ends.

Each test process has its own: pytest-xdist's workers inherit the environment of the process that
started them, and two workers on one queue file took each other's queued runs (one worker's run was
done by the other's consumer, against the other's sandbox)."""

import atexit
import os
import shutil
import tempfile

_MADE_BY = "STUDIO_TEST_DATA_DIR_MADE_BY"  # the process that made the folder in STUDIO_DATA_DIR

if "STUDIO_DATA_DIR" not in os.environ or os.environ.get(_MADE_BY, str(os.getpid())) != str(os.getpid()):
    os.environ["STUDIO_DATA_DIR"] = tempfile.mkdtemp(prefix="studio-qa-test-")
    os.environ[_MADE_BY] = str(os.getpid())
    atexit.register(shutil.rmtree, os.environ["STUDIO_DATA_DIR"], ignore_errors=True)
os.environ.pop("STUDIO_DATABASE_URL", None)
