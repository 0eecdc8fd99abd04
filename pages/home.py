"""The home page at ``/``: what the studio does and a tile per service (``ui.home``)."""

from ui.errors import guarded
from ui.home import home_page

with guarded():
    home_page()
