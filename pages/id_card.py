"""The id-card analysis page: the shared flow of ui.analysis for the `id-card` service."""
from ui.analysis import analysis_page

analysis_page("id-card")
