"""What the lab refuses as input before a run exists: a sweep spec, a truth file, a folder or ZIP of
images. Each error is a code and its parameters (``lab.in.<code>`` in the message catalogue), worded
by the page in the reader's language; ``str()`` gives the English, for the command line and logs."""
from __future__ import annotations

from l10n import message


class LabInputError(ValueError):
    def __init__(self, code: str, **params: object) -> None:
        super().__init__(code)
        self.code = code
        self.params = params

    def words(self, lang: str) -> str:
        return message(f"lab.in.{self.code}", lang, **self.params)

    def __str__(self) -> str:
        return self.words("en")
