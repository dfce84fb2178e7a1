"""Forms in the reader's language from the model's own `x-translations`: labels change, values never do."""
from __future__ import annotations

import copy

import pytest
from werkzeug.datastructures import MultiDict

from app.catalog import texts
from app.jsonforms.parse import parse_form
from app.jsonforms.render import render_form, render_values
from app.jsonforms.validation import validate
from tests.support.data import load_form, requirements, sample_application


@pytest.fixture(scope="module")
def app():
    """An application for rendering templates (no database involved)."""
    from app import create_app
    from app.config import TestConfig

    return create_app(TestConfig)


@pytest.fixture
def english(app):
    """A request whose reader chose English (the `lang` cookie)."""
    with app.test_request_context("/", headers={"Cookie": "lang=en"}):
        yield


@pytest.fixture
def indonesian(app):
    with app.test_request_context("/"):
        yield


def _form(name: str) -> tuple[dict, dict]:
    return load_form(f"{name}.schema.json"), load_form(f"{name}.uischema.json")


def _as_form(data: dict) -> MultiDict:
    return MultiDict({key: str(value) for key, value in data.items()})


def test_the_form_shows_its_english_labels_help_choices_and_steps_when_english_is_chosen(english):
    schema, ui = _form("sip_apoteker")
    html = str(render_form(schema, ui, {}))
    assert '<label for="f-nama_lengkap">Full name <span class="req">' in html
    assert "The 16-digit national identity number (NIK) as on the ID card (KTP)." in html
    assert 'placeholder="16 digits as on the ID card (KTP)"' in html
    assert "<legend>Personal details</legend>" in html  # a UI step's title
    assert '<option value="instalasi_farmasi_rs">Hospital pharmacy</option>' in html  # label English, value not
    assert "Nama lengkap" not in html and "Instalasi Farmasi Rumah Sakit" not in html


def test_the_form_stays_indonesian_by_default(indonesian):
    schema, ui = _form("sip_apoteker")
    html = str(render_form(schema, ui, {}))
    assert '<label for="f-nama_lengkap">Nama lengkap' in html and "Full name" not in html


def test_english_leaves_every_value_key_pattern_and_rule_operand_as_written(english):
    schema, _ui = _form("sip_apoteker")
    original = copy.deepcopy(schema)
    translated = texts.localized(schema)
    assert schema == original  # a copy: the model's own dict is untouched
    assert translated["properties"]["nama_lengkap"]["title"] == "Full name"

    def values(node):
        if isinstance(node, dict):
            return {k: values(v) for k, v in node.items() if k not in texts.DISPLAY_KEYS}
        if isinstance(node, list):
            return [values(v) for v in node]
        return node

    assert values(translated) == values(original)  # only display texts differ


def test_the_english_form_submitted_back_parses_to_the_same_valid_data(english):
    schema, ui = _form("sip_apoteker")
    data = sample_application()
    parsed, errors = parse_form(schema, _as_form(data), ui_schema=ui)
    assert errors == {} and parsed["jenis_sarana"] == data["jenis_sarana"]


def test_the_models_own_messages_come_in_english(english):
    schema, _ui = _form("sip_apoteker")
    data = {**sample_application(), "masa_berlaku_stra": "2001-01-01"}
    assert validate(schema, data)["masa_berlaku_stra"] == [
        "The STRA has expired. A SIPA can only be applied for with a valid STRA."]


def test_the_models_own_messages_stay_indonesian_by_default(indonesian):
    schema, _ui = _form("sip_apoteker")
    data = {**sample_application(), "masa_berlaku_stra": "2001-01-01"}
    assert validate(schema, data)["masa_berlaku_stra"][0].startswith("STRA sudah tidak berlaku.")


def test_map_entries_take_their_labels_from_the_catalog_the_form_carries(english):
    """A verification form handed out by the catalog carries its version's catalog, requirements included."""
    schema, ui = _form("verifikasi_berkas")
    catalog = load_form("sip_apoteker.translations.json")["x-translations"]
    schema = {**schema, texts.TRANSLATIONS: {"en": {**schema[texts.TRANSLATIONS]["en"], **catalog["en"]}}}
    entries = {"document_verdicts": [{"key": r["key"], "label": r["label"]} for r in requirements() if r["required"]]}
    html = str(render_form(schema, ui, {}, map_keys=entries))
    assert "<legend>Legalised STRA</legend>" in html and "Verification result" in html
    assert 'value="revise"' in html and "> Needs revision</label>" in html


def test_read_only_values_show_english_titles_and_choice_labels(english):
    schema, ui = _form("sip_apoteker")
    html = str(render_values(schema, ui, sample_application()))
    assert "<dt>Type of practice facility</dt>" in html and "<dd>Pharmacy</dd>" in html
