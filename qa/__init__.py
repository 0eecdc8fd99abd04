"""The QA lab, UI-free: runs of many images scored against truth.

The QA lab, UI-free: runs of many images (and degradation sweeps) against the backend in use,
scored against truth, kept in ``store``; executed on a Huey queue or in-process. CLI ``python -m qa``.

Imports ``ocr_core`` and ``store``, never streamlit.
"""
