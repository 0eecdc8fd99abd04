"""The credit-card analysis page: the shared flow of ui.analysis for the `credit-card` service."""
from ui.analysis import analysis_page

analysis_page("credit-card")
