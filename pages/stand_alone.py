"""The stand-alone analysis page: the shared flow of ui.analysis for the `stand-alone` service."""
from ui.analysis import analysis_page

analysis_page("stand-alone")
