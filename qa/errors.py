"""What the lab refuses as input before a run exists: a sweep spec, a truth file, a folder or ZIP of images.

Each error is a code and its parameters (``lab.in.<code>`` in the message catalogue), worded by the page in
the reader's language; ``str()`` gives the English, for the command line and logs."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from qa.words import service


@dataclass(frozen=True)
class ServiceNames:
    """Services named in a message, worded in the reader's language when the message is."""

    codes: tuple[str, ...]

    def words(self, lang: str) -> str:
        return ", ".join(service(c, lang) for c in self.codes)


class LabInputError(ValueError):
    def __init__(self, code: str, **params: object) -> None:
        super().__init__(code)
        self.code = code
        self.params = params

    def words(self, lang: str, shown: Callable[[str], str] = str) -> str:
        """The message in ``lang``.

        The message in ``lang``; ``shown`` renders each text parameter (a name from outside: the page
        escapes Markdown with ``ui.plain_text.plain``)."""
        from qa.words import word

        return word(
            f"lab.in.{self.code}",
            lang,
            **{
                k: shown(v) if isinstance(v, str) else v.words(lang) if isinstance(v, ServiceNames) else v
                for k, v in self.params.items()
            },
        )

    def __str__(self) -> str:
        return self.words("en")
