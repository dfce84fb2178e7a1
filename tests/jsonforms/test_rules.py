"""Plausibility rules written in the forms (`x-rules`), typed numbers read without their separators, and what
a draft keeps of a form with a wrong field."""
from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from werkzeug.datastructures import MultiDict

from app.common import clock
from app.jsonforms.parse import parse_form, prefill, valid_part
from app.jsonforms.rules import rule_problems, valid_until_cap
from app.jsonforms.validation import validate
from tests.support.data import load_form, sample_application

FORMS = Path(__file__).resolve().parents[2] / "forms"
TODAY = datetime(2026, 12, 7, 3, 0, tzinfo=UTC)  # 10:00 in Jakarta


@pytest.fixture(scope="module")
def ctx():
    """An application context for the messages (no database involved)."""
    from app import create_app
    from app.config import TestConfig

    with create_app(TestConfig).app_context(), clock.frozen_at(TODAY):
        yield


@pytest.mark.parametrize("name", sorted(p.name for p in FORMS.glob("*.schema.json")))
def test_every_rule_in_the_forms_names_real_fields_and_one_comparison(name):
    assert rule_problems(json.loads((FORMS / name).read_text("utf-8"))) == []


@pytest.mark.parametrize("service, changes, field, message", [
    ("sip_apoteker", {"masa_berlaku_stra": "2026-12-06"}, "masa_berlaku_stra", "STRA sudah tidak berlaku"),
    ("sip_apoteker", {"tanggal_lahir": "2027-01-05"}, "tanggal_lahir", "Tanggal lahir tidak boleh"),
    ("sip_perawat", {"tanggal_lahir": "2026-12-07"}, "tanggal_lahir", "Tanggal lahir tidak boleh"),
    ("izin_penelitian", {"tanggal_mulai": "2027-03-01", "tanggal_selesai": "2027-02-28"}, "tanggal_selesai",
     "Tanggal selesai penelitian tidak boleh sebelum tanggal mulai."),
    ("sip_dokter", {"periode_internsip_mulai": "2027-11-01", "periode_internsip_selesai": "2027-11-01"},
     "periode_internsip_selesai", "Tanggal selesai internsip harus sesudah tanggal mulai."),
])
def test_an_implausible_date_is_refused_with_its_field_message(ctx, service, changes, field, message):
    schema = load_form(f"{service}.schema.json")
    assert validate(schema, sample_application(service)) == {}
    errors = validate(schema, {**sample_application(service), **changes}, prefix="data")
    assert list(errors) == [f"data.{field}"] and message in errors[f"data.{field}"][0]


def test_a_stra_valid_until_today_is_still_accepted(ctx):
    data = {**sample_application(), "masa_berlaku_stra": "2026-12-07"}
    assert validate(load_form("sip_apoteker.schema.json"), data, partial=True) == {}


def test_rules_compare_numbers_and_shifted_dates_and_say_so_in_generic_words(ctx):
    schema = {"type": "object", "properties": {
        "lahir": {"type": "string", "format": "date"}, "min": {"type": "integer", "title": "Minimum"},
        "max": {"type": "integer"}}, "x-rules": [
        {"field": "lahir", "notAfter": "today-17y"}, {"field": "max", "notBefore": "min"}]}
    assert validate(schema, {"lahir": "2009-12-07", "min": 2, "max": 2}) == {}
    assert validate(schema, {"lahir": "2009-12-08", "min": 3, "max": 2}) == {
        "lahir": ["Tidak boleh sesudah 2009-12-07."], "max": ["Tidak boleh sebelum Minimum."]}
    assert validate(schema, {"lahir": "bukan tanggal", "max": 2}) == {"lahir": ["Format tidak sesuai."]}


def test_the_sipa_validity_is_capped_by_the_stra_date():
    schema = load_form("sip_apoteker.schema.json")
    assert valid_until_cap(schema, {"masa_berlaku_stra": "2029-06-30"}) == date(2029, 6, 30)
    assert valid_until_cap(load_form("pbg.schema.json"), sample_application("pbg")) is None


def test_spaces_and_dashes_typed_in_phone_numbers_and_nik_are_dropped(ctx):
    schema, ui = load_form("sip_apoteker.schema.json"), load_form("sip_apoteker.uischema.json")
    form = MultiDict({"no_hp": "0812 3456-7890", "nik": "3273 0145.0190-0002", "nama_lengkap": "Siti - Rahma"})
    data, errors = parse_form(schema, form, ui_schema=ui, partial=True)
    assert errors == {}
    assert data == {"no_hp": "081234567890", "nik": "3273014501900002", "nama_lengkap": "Siti - Rahma"}


def test_a_draft_keeps_every_valid_field_and_the_saved_value_of_a_wrong_one(ctx):
    schema, ui = load_form("sip_apoteker.schema.json"), load_form("sip_apoteker.uischema.json")
    form = MultiDict({"no_hp": "0812 3456 789x", "tempat_lahir": "Bandung", "masa_berlaku_stra": "2020-01-01"})
    data, errors = parse_form(schema, form, ui_schema=ui, partial=True)
    assert set(errors) == {"no_hp", "masa_berlaku_stra"}
    kept = valid_part(schema, data, errors, previous={"no_hp": "081234567890", "tempat_lahir": "Bogor"})
    assert kept == {"no_hp": "081234567890", "tempat_lahir": "Bandung"}


def test_a_new_form_takes_the_profile_values_it_accepts(ctx):
    schema, ui = load_form("sip_apoteker.schema.json"), load_form("sip_apoteker.uischema.json")
    assert prefill(schema, ui, {"profile.name": "Siti Rahmawati", "profile.nik": "3604 0141 0190 0001",
                                "profile.phone": "+62 812"}) == {"nama_lengkap": "Siti Rahmawati",
                                                                 "nik": "3604014101900001"}


def test_date_pickers_offer_only_the_days_the_rules_allow(ctx):
    from app.jsonforms.render import build_fields

    root = build_fields(load_form("sip_apoteker.schema.json"), load_form("sip_apoteker.uischema.json"))
    dates = {f.name: f.attrs for step in root.children for f in step.children if f.kind == "date"}
    assert dates == {"tanggal_lahir": {"max": "2026-12-06"}, "masa_berlaku_stra": {"min": "2026-12-07"}}
