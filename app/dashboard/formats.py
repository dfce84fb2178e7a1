"""Number formats shared by the pages and the PDF report, in the reader's language through Babel.

Indonesian: 1.234,5 · 87,5% · Rp 1.250.000; English: 1,234.5 · 87.5% · Rp 1,250,000. Each function takes
the language to write in (default: the request's, Indonesian outside a request), so a report can be
written in the language of whoever asked for it.
"""
from __future__ import annotations

from flask_babel import get_locale

from app.common.i18n import DEFAULT_LOCALE, format_number_in


def language() -> str:
    """The request's language code ("id" outside a request)."""
    chosen = get_locale()
    return str(chosen) if chosen else DEFAULT_LOCALE


def decimal(value: float | int | None, places: int = 2, empty: str = "–", *, locale: str | None = None) -> str:
    """A number with a fixed number of decimals: `1.234,50` in Indonesian, `1,234.50` in English."""
    if value is None:
        return empty
    pattern = "#,##0" + ("." + "0" * places if places > 0 else "")
    return format_number_in(float(value), locale or language(), pattern)


def integer(value: int | None, empty: str = "–", *, locale: str | None = None) -> str:
    """A whole number with the language's thousands separator."""
    return empty if value is None else format_number_in(int(value), locale or language(), "#,##0")


def percent(rate: float | None, places: int = 1, empty: str = "–", *, locale: str | None = None) -> str:
    """A 0..1 rate as a percentage."""
    return empty if rate is None else decimal(rate * 100, places, locale=locale) + "%"


def rupiah(amount: int | None, *, locale: str | None = None) -> str:
    """Rupiah with the language's thousands separator."""
    return "Rp " + integer(amount or 0, locale=locale)
