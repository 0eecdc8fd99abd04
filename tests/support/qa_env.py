"""Import first in QA tests: the lab's data folder (database, queue, spool) goes to a temporary
directory for the whole test session, never the developer's ``data/``; removed when the session ends."""

import atexit
import os
import shutil
import tempfile

if "STUDIO_DATA_DIR" not in os.environ:
    os.environ["STUDIO_DATA_DIR"] = tempfile.mkdtemp(prefix="studio-qa-test-")
    atexit.register(shutil.rmtree, os.environ["STUDIO_DATA_DIR"], ignore_errors=True)
os.environ.pop("STUDIO_DATABASE_URL", None)
