"""The id-card analysis page: the shared flow of ``ui.analysis`` for the ``id-card`` service."""

from ui.analysis import analysis_page
from ui.errors import guarded

with guarded():
    analysis_page("id-card")
