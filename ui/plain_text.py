"""Text from outside (a file name in a ZIP, a name in a truth file) shown as itself in Streamlit's
Markdown (``st.info``, ``st.error``, captions), never as Markdown.

A ZIP member named ``[Update here](https://evil.test)`` or ``![](https://evil.test/pixel.png)`` would
otherwise become a link in the page's notice, or an image the browser fetches from a foreign host (the
dashboard loads nothing from the internet); ``https://…`` and ``www.…`` would become links (GitHub's
autolinks), ``$…$`` would be typeset. Every ASCII punctuation character may be backslash-escaped in
CommonMark, and an escaped character shows as itself: :func:`plain` escapes those that make links,
images, HTML, code and formulas (``\\ ` [ ] ( ) < > $ : &``, and the dot of ``www.``). What is merely
typographic in a name is left alone: ``_`` inside a word emphasises nothing, and ``visa_blue_flat.png``
stays readable in the page's Markdown source and tests. Escape the names put into a sentence, not the
sentence.
"""

from __future__ import annotations

import re
from typing import Final

__all__ = ["plain"]

_SPECIAL: Final = re.compile(r"([\\`\[\]()<>$:&]|(?<=www)\.)", re.IGNORECASE)


def plain(text: str) -> str:
    """``text`` with every character that could make a link, an image, HTML or a formula escaped."""
    return _SPECIAL.sub(r"\\\1", text)
