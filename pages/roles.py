"""Roles (admins): map people, domains and groups to roles on top of the secrets file (``ui.roles_admin``)."""

from ui.errors import guarded
from ui.roles_admin import roles_page

with guarded():
    roles_page()
