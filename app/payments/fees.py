"""Fee tables in words: the rules of a service's DMN decision, as the catalog shows them.

Each rule of a fee table carries a `description` (its condition and rate in Indonesian)
and the decision carries one for the formula; the catalog lists them so applicants see the
same rules the engine applies.
"""
from __future__ import annotations

from app.common.i18n import format_number_in
from app.engine import ParsedModel
from app.engine.specs import DMN_NAMESPACES, parse_xml

FIGURES_LOCALE = "id"  # the calculation is stored with the bill and printed on its SKRD, an Indonesian document


def _text(element, tag: str, ns: str) -> str:
    child = element.find(f"{{{ns}}}{tag}")
    return " ".join((child.text or "").split()) if child is not None and child.text else ""


def describe_decision(dmn_files: dict[str, str], decision_id: str | None) -> dict | None:
    """{"name", "formula", "inputs": [label], "rules": [text]} of a decision, or None when it is absent."""
    if not decision_id:
        return None
    for name, text in sorted(dmn_files.items()):
        root = parse_xml(text, name)
        for ns in DMN_NAMESPACES:
            for decision in root.iter(f"{{{ns}}}decision"):
                if decision.get("id") != decision_id:
                    continue
                table = decision.find(f"{{{ns}}}decisionTable")
                inputs = [i.get("label") or "" for i in table.findall(f"{{{ns}}}input")] if table is not None else []
                rules = [_text(rule, "description", ns) for rule in table.findall(f"{{{ns}}}rule")] \
                    if table is not None else []
                return {"name": decision.get("name") or decision_id, "formula": _text(decision, "description", ns),
                        "inputs": inputs, "rules": [r for r in rules if r]}
    return None


def fee_rules(model: ParsedModel, decision_id: str | None) -> dict | None:
    """The fee table of a service version in words."""
    return describe_decision(model.bundle.files.get("dmn", {}), decision_id)


def _number(value: float) -> str:
    """12,5 · 1.200 (Indonesian separators, at most two decimals, no trailing zeros)."""
    return format_number_in(value, FIGURES_LOCALE)


def assessment(case, *, amount: int, basis: str | None, data: dict) -> dict:
    """What the SKRD prints about a fee, fixed when the bill is issued: decision, formula, rows, legal basis.

    `data` is the process data the fee decision wrote (`fee_rate`, `fee_basis`); a row's
    volume is amount ÷ rate, the quantity the rate was multiplied by.
    """
    from app.catalog import service as catalog
    from app.engine import properties as P

    model = catalog.model_for_version(case.process_version)
    props = model.main.properties
    table = fee_rules(model, props.get(P.FEE_DECISION)) if props.get(P.FEE_KIND) == "computed" else None
    standard = model.form(props.get(P.SERVICE_STANDARD_FILE)) or {}
    rate = data.get("fee_rate")
    rate = int(rate) if isinstance(rate, int | float) and not isinstance(rate, bool) and rate > 0 else None
    item = (table or {}).get("name") or f"Retribusi {case.service.name}"
    calculation = None
    if rate:
        volume = amount / rate
        calculation = f"{_number(volume)} × Rp {_number(rate)}"
    return {"decision": (table or {}).get("name"), "formula": (table or {}).get("formula") or None, "rate": rate,
            "rows": [{"item": item, "basis": basis or "", "calculation": calculation, "amount": int(amount)}],
            "legal_basis": list(standard.get("legal_basis") or [])}
