"""Sample data built from the forms themselves (their `examples`), so tests follow the models."""
from __future__ import annotations

import json
from pathlib import Path

FORMS = Path(__file__).resolve().parents[2] / "forms"


def load_form(name: str) -> dict:
    return json.loads((FORMS / name).read_text("utf-8"))


def sample_application(service: str = "sip_apoteker") -> dict:
    """A valid application: each field's first example."""
    schema = load_form(f"{service}.schema.json")
    data = {}
    for key, prop in schema["properties"].items():
        if "examples" in prop:
            data[key] = prop["examples"][0]
        elif "oneOf" in prop:
            data[key] = prop["oneOf"][0]["const"]
        elif "enum" in prop:
            data[key] = prop["enum"][0]
    return data


def requirements(service: str = "sip_apoteker") -> list[dict]:
    return json.loads((FORMS / f"{service}.requirements.json").read_text("utf-8"))
