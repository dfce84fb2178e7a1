"""Indonesian number formats shared by the pages and the PDF report (1.234,5 · 87,5% · Rp 1.250.000)."""
from __future__ import annotations


def decimal(value: float | int | None, places: int = 2, empty: str = "–") -> str:
    """A number with a decimal comma and dotted thousands."""
    if value is None:
        return empty
    text = f"{value:,.{places}f}"
    return text.replace(",", "_").replace(".", ",").replace("_", ".")


def integer(value: int | None, empty: str = "–") -> str:
    """A whole number with dotted thousands."""
    return empty if value is None else f"{int(value):,}".replace(",", ".")


def percent(rate: float | None, places: int = 1, empty: str = "–") -> str:
    """A 0..1 rate as a percentage."""
    return empty if rate is None else decimal(rate * 100, places) + "%"


def rupiah(amount: int | None) -> str:
    """Rupiah with dotted thousands."""
    return "Rp " + integer(amount or 0)
