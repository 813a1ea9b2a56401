"""The KRS contract, read from CONTRACT.md (the one place the JSON shape is defined).

`parse_indicator` turns one JSON object into an `IndicatorData` or raises `ContractError`
with a Thai message naming the rule it broke. The client, the file import and the
stand-in server all go through here.
"""

import json
import re
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.utils.translation import gettext as _

CONTRACT_PATH = Path(__file__).with_name("CONTRACT.md")


def _load_contract() -> dict:
    text = CONTRACT_PATH.read_text(encoding="utf-8")
    match = re.search(r"```json krs-contract\n(.*?)\n```", text, re.DOTALL)
    if match is None:
        raise RuntimeError(f"{CONTRACT_PATH} has no ```json krs-contract block")
    return json.loads(match.group(1))


CONTRACT = _load_contract()
INDICATORS_PER_OFFICE: int = CONTRACT["indicators_per_office"]
INDICATOR_FIELDS: dict = CONTRACT["indicator_fields"]
AUTH_FIELDS: dict = CONTRACT["auth_fields"]
PATHS: dict = CONTRACT["paths"]
KINDS: list[str] = INDICATOR_FIELDS["kind"]["choices"]
DIMENSIONS: list[str] = INDICATOR_FIELDS["dimension"]["choices"]
# Decimal places kept for target and result; KRS values beyond this are rounded.
NUMBER_PLACES = 4
NUMBER_LIMIT = Decimal("1e12")


class ContractError(ValueError):
    """An answer or a field that breaks the contract. `.message` is Thai, for people."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class IndicatorData:
    code: str
    name: str
    kind: str
    target: Decimal
    result: Decimal | None
    unit: str
    achieved: bool
    dimension: str
    updated_at: datetime


def _check_field(name: str, rule: dict, value):
    """Return the value converted to Python, or raise ContractError naming field and rule."""
    kind = rule["type"]
    if value is None:
        if rule.get("nullable"):
            return None
        raise ContractError(_("ไม่มีค่า %(field)s") % {"field": name})
    if kind == "string":
        if not isinstance(value, str):
            raise ContractError(_("%(field)s ต้องเป็นข้อความ") % {"field": name})
        value = value.strip()
        if not value and not rule.get("blank"):
            raise ContractError(_("ไม่มีค่า %(field)s") % {"field": name})
        if len(value) > rule["max_length"]:
            raise ContractError(_("%(field)s ยาวเกิน %(limit)s ตัวอักษร") % {"field": name, "limit": rule["max_length"]})
        return value
    if kind == "number":
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ContractError(_("%(field)s ต้องเป็นตัวเลข แต่พบ %(value)r") % {"field": name, "value": value})
        try:
            number = Decimal(str(value)).quantize(Decimal(1).scaleb(-NUMBER_PLACES))
        except InvalidOperation as exc:
            raise ContractError(_("%(field)s ต้องเป็นตัวเลข แต่พบ %(value)r") % {"field": name, "value": value}) from exc
        if not number.is_finite() or abs(number) >= NUMBER_LIMIT:
            raise ContractError(_("%(field)s เกินขอบเขตที่รับได้ (%(value)r)") % {"field": name, "value": value})
        return number
    if kind == "boolean":
        if not isinstance(value, bool):
            raise ContractError(_("%(field)s ต้องเป็น true หรือ false") % {"field": name})
        return value
    if kind == "enum":
        if value not in rule["choices"]:
            raise ContractError(
                _("%(field)s ต้องเป็นหนึ่งใน %(choices)s แต่พบ %(value)r")
                % {"field": name, "choices": ", ".join(rule["choices"]), "value": value}
            )
        return value
    if kind == "datetime":
        try:
            parsed = datetime.fromisoformat(value) if isinstance(value, str) else None
        except ValueError:
            parsed = None
        if parsed is None or parsed.tzinfo is None:
            raise ContractError(
                _("%(field)s ต้องเป็นวันเวลาแบบ ISO 8601 พร้อมเขตเวลา แต่พบ %(value)r") % {"field": name, "value": value}
            )
        return parsed
    raise RuntimeError(f"unknown field type {kind!r} in CONTRACT.md")


def parse_fields(obj, fields: dict) -> dict:
    if not isinstance(obj, dict):
        raise ContractError(_("รายการต้องเป็นออบเจกต์ JSON"))
    missing = [name for name, rule in fields.items() if name not in obj and not rule.get("nullable")]
    if missing:
        raise ContractError(_("ไม่มีค่า %(fields)s") % {"fields": ", ".join(missing)})
    return {name: _check_field(name, rule, obj.get(name)) for name, rule in fields.items()}


def parse_indicator(obj) -> IndicatorData:
    return IndicatorData(**parse_fields(obj, INDICATOR_FIELDS))


def indicator_to_json(item: IndicatorData) -> dict:
    """The inverse of parse_indicator: what KRS (the stand-in) sends for one indicator."""
    return {
        "code": item.code,
        "name": item.name,
        "kind": item.kind,
        "target": float(item.target),
        "result": None if item.result is None else float(item.result),
        "unit": item.unit,
        "achieved": item.achieved,
        "dimension": item.dimension,
        "updated_at": item.updated_at.isoformat(),
    }
