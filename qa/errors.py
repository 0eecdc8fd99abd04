"""What the lab refuses as input before a run exists: a sweep spec, a truth file, a folder or ZIP of
images. Each error is a code and its parameters (``lab.in.<code>`` in the message catalogue), worded
by the page in the reader's language; ``str()`` gives the English, for the command line and logs."""
from __future__ import annotations

from collections.abc import Callable

from l10n import message


class LabInputError(ValueError):
    def __init__(self, code: str, **params: object) -> None:
        super().__init__(code)
        self.code = code
        self.params = params

    def words(self, lang: str, shown: Callable[[str], str] = str) -> str:
        """The message in ``lang``; ``shown`` renders each text parameter (a name from outside: the page
        escapes Markdown with ``ui.plain_text.plain``)."""
        return message(f"lab.in.{self.code}", lang,
                       **{k: shown(v) if isinstance(v, str) else v for k, v in self.params.items()})

    def __str__(self) -> str:
        return self.words("en")
