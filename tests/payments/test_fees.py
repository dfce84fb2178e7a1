"""The fee tables (DMN) give the amounts docs/SERVICES.md documents, run through the engine as a model runs them."""
from __future__ import annotations

from pathlib import Path

import pytest

from app.engine import Engine, Library, SpecCache
from app.payments.fees import describe_decision
from tests.support.data import load_form

PROCESSES = Path(__file__).resolve().parents[2] / "processes"
ENGINE = Engine(time_limit=0.5)
CACHE = SpecCache()


def _decide(decision: str, dmn_file: str, application: dict) -> dict:
    """Run a one-task model whose business rule task calls the decision; return the process data."""
    pid = f"fee_{decision}"
    xml = ('<?xml version="1.0" encoding="UTF-8"?>\n'
           '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
           'xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" id="defs" '
           'targetNamespace="http://bpmn.io/schema/bpmn">'
           f'<bpmn:process id="{pid}" isExecutable="true">'
           '<bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>'
           '<bpmn:businessRuleTask id="fee"><bpmn:extensionElements>'
           f'<spiffworkflow:calledDecisionId>{decision}</spiffworkflow:calledDecisionId>'
           '</bpmn:extensionElements><bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>'
           '</bpmn:businessRuleTask>'
           '<bpmn:endEvent id="end"><bpmn:incoming>f2</bpmn:incoming></bpmn:endEvent>'
           '<bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="fee"/>'
           '<bpmn:sequenceFlow id="f2" sourceRef="fee" targetRef="end"/>'
           '</bpmn:process></bpmn:definitions>')
    dmn = (PROCESSES / dmn_file).read_text("utf-8")
    model = CACHE.get(Library.from_files({f"{pid}.bpmn": xml}, {dmn_file: dmn}, {}).bundle(pid))
    return ENGINE.start(model, {"application": application}).data()


# fungsi, floors, floor area (m²) -> rate per m², retribusi (Rp): the examples of docs/SERVICES.md
PBG_CASES = [
    ("hunian", 1, 90, 690, 62_100),
    ("hunian", 1, 150, 2_070, 310_500),
    ("hunian", 2, 120, 2_070, 248_400),
    ("hunian", 2, 120.5, 2_070, 249_435),
    ("hunian", 4, 300, 2_475, 742_500),
    ("hunian", 6, 2_400, 3_150, 7_560_000),
    ("usaha", 3, 240, 11_550, 2_772_000),
    ("usaha", 10, 5_000, 17_850, 89_250_000),
    ("sosial_budaya", 2, 800, 4_140, 3_312_000),
    ("campuran", 3, 180, 9_900, 1_782_000),
    ("khusus", 6, 1_000, 21_000, 21_000_000),
    ("keagamaan", 2, 400, 0, 0),
]


@pytest.mark.parametrize(("fungsi", "floors", "area", "rate", "amount"), PBG_CASES)
def test_pbg_retribusi_is_floor_area_times_the_rate_of_function_and_height(fungsi, floors, area, rate, amount):
    data = _decide("tarif_retribusi_pbg", "tarif_pbg.dmn",
                   {"fungsi_bangunan": fungsi, "jumlah_lantai": floors, "luas_bangunan": area})
    assert (data["fee_rate"], data["fee_amount"]) == (rate, amount)
    assert data["fee_basis"]


# class, lighting, width, height, sides, months -> rate per m² per side per month, pajak reklame (Rp)
REKLAME_CASES = [
    ("A", "disinari", 4, 8, 1, 12, 12_500, 4_800_000),
    ("A", "elektronik", 3, 5, 1, 6, 20_000, 1_800_000),
    ("A", "tidak_bersinar", 2, 1, 1, 3, 10_000, 60_000),
    ("B", "tidak_bersinar", 2, 1, 2, 12, 6_000, 288_000),
    ("B", "bersinar", 1.5, 1, 2, 12, 9_000, 324_000),
    ("C", "tidak_bersinar", 1, 0.5, 1, 1, 4_000, 2_000),
    ("C", "elektronik", 2, 3, 1, 3, 8_000, 144_000),
]


@pytest.mark.parametrize(("kelas", "lighting", "width", "height", "sides", "months", "rate", "amount"),
                         REKLAME_CASES)
def test_pajak_reklame_is_area_sides_months_times_the_rate_of_location_and_lighting(
        kelas, lighting, width, height, sides, months, rate, amount):
    data = _decide("tarif_pajak_reklame", "tarif_reklame.dmn",
                   {"kelas_lokasi": kelas, "penerangan": lighting, "lebar_m": width, "tinggi_m": height,
                    "jumlah_sisi": sides, "durasi_bulan": months})
    assert (data["fee_rate"], data["fee_amount"]) == (rate, amount)


def test_every_building_function_of_the_form_has_a_rate_at_every_height():
    functions = [o["const"] for o in load_form("pbg.schema.json")["properties"]["fungsi_bangunan"]["oneOf"]]
    for fungsi in functions:
        for floors in (1, 2, 3, 4, 5, 8, 9, 40):
            data = _decide("tarif_retribusi_pbg", "tarif_pbg.dmn",
                           {"fungsi_bangunan": fungsi, "jumlah_lantai": floors, "luas_bangunan": 100})
            assert "fee_amount" in data, (fungsi, floors)


def test_every_location_class_and_lighting_of_the_form_has_a_rate():
    props = load_form("reklame.schema.json")["properties"]
    for kelas in [o["const"] for o in props["kelas_lokasi"]["oneOf"]]:
        for lighting in [o["const"] for o in props["penerangan"]["oneOf"]]:
            data = _decide("tarif_pajak_reklame", "tarif_reklame.dmn",
                           {"kelas_lokasi": kelas, "penerangan": lighting, "lebar_m": 1, "tinggi_m": 1,
                            "jumlah_sisi": 1, "durasi_bulan": 1})
            assert data["fee_amount"] == data["fee_rate"] > 0, (kelas, lighting)


def test_fee_tables_describe_each_rule_in_words():
    pbg = describe_decision({"tarif_pbg.dmn": (PROCESSES / "tarif_pbg.dmn").read_text("utf-8")}, "tarif_retribusi_pbg")
    assert len(pbg["rules"]) == 22 and "Rp 2.070 per m²" in " ".join(pbg["rules"])
    assert "0,5%" in pbg["formula"] and pbg["inputs"] == ["Fungsi bangunan", "Jumlah lantai",
                                                           "Luas lantai bangunan (m²)"]
    reklame = describe_decision({"tarif_reklame.dmn": (PROCESSES / "tarif_reklame.dmn").read_text("utf-8")},
                                "tarif_pajak_reklame")
    assert len(reklame["rules"]) == 12 and "25%" in reklame["formula"]
