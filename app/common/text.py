"""Small normalisations of what people type."""
from __future__ import annotations

import re

SEPARATORS = re.compile(r"[\s.\-\u2010-\u2015()]")  # spaces, dots, dashes and brackets people type in numbers


def without_separators(text: str) -> str:
    """`0812 3456-7890` -> `081234567890`; `(021) 555.123` -> `021555123`."""
    return SEPARATORS.sub("", text)
