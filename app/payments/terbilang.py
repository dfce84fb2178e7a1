"""Amounts in Indonesian words (terbilang), as an assessment letter writes them: "seratus ribu rupiah"."""
from __future__ import annotations

UNITS = ("", "satu", "dua", "tiga", "empat", "lima", "enam", "tujuh", "delapan", "sembilan", "sepuluh", "sebelas")
SCALES = ((10**12, "triliun"), (10**9, "miliar"), (10**6, "juta"))
LIMIT = 10**15  # up to 999 triliun: more than any bill of a permit office


def _below_thousand(n: int) -> list[str]:
    words: list[str] = []
    hundreds, rest = divmod(n, 100)
    if hundreds == 1:
        words.append("seratus")
    elif hundreds > 1:
        words += [UNITS[hundreds], "ratus"]
    if rest < 12:
        if rest:
            words.append(UNITS[rest])
    elif rest < 20:
        words += [UNITS[rest - 10], "belas"]
    else:
        tens, ones = divmod(rest, 10)
        words += [UNITS[tens], "puluh"]
        if ones:
            words.append(UNITS[ones])
    return words


def _words(n: int) -> list[str]:
    words: list[str] = []
    for value, name in SCALES:
        if n >= value:
            count, n = divmod(n, value)
            words += _below_thousand(count) + [name]
    if n >= 1000:
        thousands, n = divmod(n, 1000)
        words += ["seribu"] if thousands == 1 else _below_thousand(thousands) + ["ribu"]
    return words + _below_thousand(n)


def terbilang(n: int) -> str:
    """A whole number in Indonesian words: 1_250_000 → "satu juta dua ratus lima puluh ribu"."""
    if isinstance(n, bool) or not isinstance(n, int):
        raise TypeError(f"terbilang needs an int, not {type(n).__name__}")
    if n < 0:
        return "minus " + terbilang(-n)
    if n >= LIMIT:
        raise ValueError(f"terbilang handles numbers below {LIMIT}")
    return "nol" if n == 0 else " ".join(_words(n))


def rupiah_words(amount: int) -> str:
    """An amount of rupiah in words, capitalised, as printed on an SKRD: "Dua ratus ribu rupiah"."""
    text = f"{terbilang(int(amount))} rupiah"
    return text[0].upper() + text[1:]
