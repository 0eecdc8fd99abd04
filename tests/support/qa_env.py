"""Import first in QA tests: the lab's data folder (database, queue, spool) goes to a temporary
directory for the whole test session, never the developer's ``data/``."""
import os
import tempfile

os.environ.setdefault("STUDIO_DATA_DIR", tempfile.mkdtemp(prefix="studio-qa-test-"))
os.environ.pop("STUDIO_DATABASE_URL", None)
