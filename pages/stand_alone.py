"""The stand-alone analysis page: the shared flow of ``ui.analysis`` for the ``stand-alone`` service."""

from ui.analysis import analysis_page
from ui.errors import guarded

with guarded():
    analysis_page("stand-alone")
