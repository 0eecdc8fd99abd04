"""Shared pytest set-up: keep Streamlit and every library we start offline and quiet."""
import os

os.environ.setdefault("STREAMLIT_BROWSER_GATHER_USAGE_STATS", "false")
