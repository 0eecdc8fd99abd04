"""The credit-card analysis page: the shared flow of ``ui.analysis`` for the ``credit-card`` service."""

from ui.analysis import analysis_page
from ui.errors import guarded

with guarded():
    analysis_page("credit-card")
