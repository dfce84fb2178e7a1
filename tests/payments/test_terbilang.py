"""Amounts in Indonesian words, as the SKRD prints them."""
from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.payments.terbilang import LIMIT, rupiah_words, terbilang


@pytest.mark.parametrize(("number", "words"), [
    (0, "nol"), (1, "satu"), (10, "sepuluh"), (11, "sebelas"), (12, "dua belas"), (19, "sembilan belas"),
    (20, "dua puluh"), (21, "dua puluh satu"), (100, "seratus"), (101, "seratus satu"), (111, "seratus sebelas"),
    (215, "dua ratus lima belas"), (1_000, "seribu"), (1_001, "seribu satu"), (1_100, "seribu seratus"),
    (2_000, "dua ribu"), (11_000, "sebelas ribu"), (100_000, "seratus ribu"),
    (248_400, "dua ratus empat puluh delapan ribu empat ratus"), (1_000_000, "satu juta"),
    (1_250_000, "satu juta dua ratus lima puluh ribu"), (89_250_000, "delapan puluh sembilan juta dua ratus lima puluh ribu"),
    (1_000_000_000, "satu miliar"), (2_000_000_000_001, "dua triliun satu"),
])
def test_numbers_are_written_the_indonesian_way(number, words):
    assert terbilang(number) == words


def test_an_amount_reads_as_a_capitalised_rupiah_phrase():
    assert rupiah_words(62_100) == "Enam puluh dua ribu seratus rupiah"


@pytest.mark.parametrize("bad", [1.5, "100", True, None])
def test_only_whole_numbers_are_written(bad):
    with pytest.raises(TypeError):
        terbilang(bad)


def test_numbers_beyond_the_largest_scale_are_refused():
    with pytest.raises(ValueError):
        terbilang(LIMIT)


VALUES = {"satu": 1, "dua": 2, "tiga": 3, "empat": 4, "lima": 5, "enam": 6, "tujuh": 7, "delapan": 8, "sembilan": 9,
          "sepuluh": 10, "sebelas": 11, "seratus": 100, "seribu": 1000}
SCALES = {"triliun": 10**12, "miliar": 10**9, "juta": 10**6}


def _read(words: str) -> int:
    """An independent reading of the words back into a number."""
    total, group, last = 0, 0, 0
    for word in words.split():
        if word in SCALES:
            total, group = total + group * SCALES[word], 0
        elif word == "ribu":
            total, group = total + group * 1000, 0
        elif word == "seribu":
            total += 1000
        elif word == "ratus":
            group = group - last + last * 100
        elif word == "puluh":
            group = group - last + last * 10
        elif word == "belas":
            group = group - last + last + 10
        else:
            last = VALUES[word]
            group += last
    return total + group


@given(st.integers(min_value=1, max_value=LIMIT - 1))
def test_the_words_read_back_to_the_same_number(number):
    words = terbilang(number)
    assert _read(words) == number
    tokens = words.split()
    for index, (word, following) in enumerate(zip(tokens, tokens[1:], strict=False)):
        if word == "satu" and following in ("ratus", "belas", "puluh"):
            pytest.fail(f"'satu {following}' instead of se-: {words}")
        if word == "satu" and following == "ribu" and (index == 0 or tokens[index - 1] in SCALES):
            pytest.fail(f"'satu ribu' instead of seribu: {words}")
