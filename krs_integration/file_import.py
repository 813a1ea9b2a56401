"""Import from a KRS export file (CSV or XLSX): the fallback when KRS cannot be reached.

The file is checked whole first (header, every row, 30 indicators per office); one bad
row and nothing is imported, and every bad row is named by its line number. A good file
is written in one transaction and recorded as a sync run (trigger "import").
"""

import csv
import io
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from orgprofile.models import Office

from .contract import INDICATORS_PER_OFFICE, ContractError, IndicatorData, parse_indicator
from .models import Indicator, SyncOfficeResult, SyncRun
from .services import indicators_upsert, sync_run_refresh

HEADER = [
    "office_code",
    "fiscal_year",
    "code",
    "name",
    "kind",
    "target",
    "result",
    "unit",
    "achieved",
    "dimension",
    "updated_at",
]
MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20_000
TRUE_WORDS = {"1", "true", "yes", "ใช่", "บรรลุ"}
FALSE_WORDS = {"0", "false", "no", "ไม่ใช่", "ไม่บรรลุ"}
MAX_ERRORS_SHOWN = 200


@dataclass
class ImportResult:
    errors: list[str] = field(default_factory=list)
    run: SyncRun | None = None
    offices: int = 0
    rows: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors


def _read_rows(*, name: str, data: bytes) -> list[list]:
    lower = name.lower()
    if lower.endswith(".csv"):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ContractError(_("ไฟล์ CSV ต้องเข้ารหัสแบบ UTF-8")) from exc
        return list(csv.reader(io.StringIO(text)))
    if lower.endswith(".xlsx"):
        try:
            workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds for a broken file
            raise ContractError(_("อ่านไฟล์ XLSX ไม่ได้ ไฟล์อาจเสียหรือไม่ใช่ไฟล์ Excel")) from exc
        try:
            sheet = workbook.worksheets[0]
            return [list(row) for row in sheet.iter_rows(values_only=True, max_row=MAX_ROWS + 2)]
        finally:
            workbook.close()
    raise ContractError(_("รับเฉพาะไฟล์ .csv หรือ .xlsx"))


def _cell(value) -> str:
    return "" if value is None else str(value).strip()


def _number(value, *, name: str):
    if value is None or _cell(value) == "":
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value
    try:
        return float(Decimal(_cell(value).replace(",", "")))
    except InvalidOperation as exc:
        raise ContractError(_("%(field)s ต้องเป็นตัวเลข แต่พบ %(value)r") % {"field": name, "value": value}) from exc


def _row_to_json(row: list, *, now: datetime) -> tuple[str, int, dict]:
    values = dict(zip(HEADER, row, strict=True))
    office_code = _cell(values["office_code"])
    if not office_code:
        raise ContractError(_("ไม่มีค่า office_code"))
    try:
        year = Decimal(_cell(values["fiscal_year"]))  # a spreadsheet may hold 2566 as 2566.0
        if year != year.to_integral_value():
            raise InvalidOperation
        fiscal_year = int(year)
    except InvalidOperation as exc:
        raise ContractError(
            _("fiscal_year ต้องเป็นปี พ.ศ. เช่น 2566 แต่พบ %(value)r") % {"value": values["fiscal_year"]}
        ) from exc
    if not 2500 <= fiscal_year <= 2700:
        raise ContractError(_("fiscal_year ต้องเป็นปี พ.ศ. เช่น 2566 แต่พบ %(value)s") % {"value": fiscal_year})
    achieved_word = _cell(values["achieved"]).lower()
    if isinstance(values["achieved"], int | float) and not isinstance(values["achieved"], bool):
        achieved_word = {1: "1", 0: "0"}.get(values["achieved"], achieved_word)
    if achieved_word in TRUE_WORDS:
        achieved = True
    elif achieved_word in FALSE_WORDS:
        achieved = False
    else:
        raise ContractError(
            _("achieved ต้องเป็น 1/0, true/false หรือ ใช่/ไม่ใช่ แต่พบ %(value)r") % {"value": values["achieved"]}
        )
    updated_at = values["updated_at"]
    if isinstance(updated_at, datetime):
        updated = (
            updated_at if timezone.is_aware(updated_at) else updated_at.replace(tzinfo=ZoneInfo(settings.TIME_ZONE))
        )
        updated_at = updated.isoformat()
    elif _cell(updated_at) == "":
        updated_at = now.isoformat()
    else:
        updated_at = _cell(updated_at)
    target = _number(values["target"], name="target")
    obj = {
        "code": _cell(values["code"]),
        "name": _cell(values["name"]),
        "kind": _cell(values["kind"]),
        "target": target,
        "result": _number(values["result"], name="result"),
        "unit": _cell(values["unit"]),
        "achieved": achieved,
        "dimension": _cell(values["dimension"]),
        "updated_at": updated_at,
    }
    return office_code, fiscal_year, obj


def indicators_import_file(*, name: str, data: bytes, user, size: int | None = None) -> ImportResult:
    """Check the whole file, then import it in one transaction, or import nothing.

    `size` is the upload's full size when `data` holds only its first MAX_FILE_BYTES + 1 bytes.
    """
    result = ImportResult()
    size = max(size or 0, len(data))
    if size > MAX_FILE_BYTES:
        result.errors.append(
            _("ไฟล์มีขนาด %(size)s MB เกินขนาดสูงสุด %(limit)s MB")
            % {"size": round(size / 1024 / 1024, 1), "limit": MAX_FILE_BYTES // 1024 // 1024}
        )
        return result
    try:
        rows = _read_rows(name=name, data=data)
    except ContractError as exc:
        result.errors.append(exc.message)
        return result
    rows = [row for row in rows if any(_cell(c) for c in row)]
    if not rows:
        result.errors.append(_("ไฟล์ว่างเปล่า"))
        return result
    header = [_cell(h).lower() for h in rows[0]]
    while header and header[-1] == "":
        header.pop()
    if header != HEADER:
        result.errors.append(
            _("บรรทัด 1: หัวตารางต้องเป็น %(expected)s แต่พบ %(found)s")
            % {"expected": ",".join(HEADER), "found": ",".join(_cell(h) for h in rows[0])}
        )
        return result
    if len(rows) - 1 > MAX_ROWS:
        result.errors.append(
            _("ไฟล์มี %(count)s แถว เกินขีดจำกัด %(limit)s แถว") % {"count": len(rows) - 1, "limit": MAX_ROWS}
        )
        return result

    now = timezone.now()
    offices = {o.code: o for o in Office.objects.all()}
    grouped: dict[tuple[str, int], list[IndicatorData]] = defaultdict(list)
    first_line: dict[tuple[str, int, str], int] = {}
    for line_no, row in enumerate(rows[1:], start=2):
        row = list(row[: len(HEADER)]) + [None] * (len(HEADER) - len(row))
        if any(_cell(c) for c in row[len(HEADER) :]):
            result.errors.append(_("บรรทัด %(line)s: มีข้อมูลเกิน %(n)s คอลัมน์") % {"line": line_no, "n": len(HEADER)})
            continue
        try:
            office_code, fiscal_year, obj = _row_to_json(row, now=now)
            if office_code not in offices:
                raise ContractError(_("ไม่พบรหัสสำนักงาน %(code)s ในทะเบียน") % {"code": office_code})
            indicator = parse_indicator(obj)
            key = (office_code, fiscal_year, indicator.code)
            if key in first_line:
                raise ContractError(
                    _("รหัสตัวชี้วัด %(code)s ซ้ำกับบรรทัด %(line)s") % {"code": indicator.code, "line": first_line[key]}
                )
        except ContractError as exc:
            result.errors.append(_("บรรทัด %(line)s: %(message)s") % {"line": line_no, "message": exc.message})
            continue
        first_line[key] = line_no
        grouped[(office_code, fiscal_year)].append(indicator)
    for (office_code, fiscal_year), items in grouped.items():
        if len(items) != INDICATORS_PER_OFFICE:
            result.errors.append(
                _("สำนักงาน %(code)s ปี %(year)s มีตัวชี้วัด %(count)s ตัว แต่ต้องมี %(limit)s ตัวพอดี")
                % {"code": office_code, "year": fiscal_year, "count": len(items), "limit": INDICATORS_PER_OFFICE}
            )
    if not result.errors and not grouped:
        result.errors.append(_("ไฟล์มีแต่หัวตาราง ไม่มีตัวชี้วัด"))
    if result.errors:
        if len(result.errors) > MAX_ERRORS_SHOWN:
            hidden = len(result.errors) - MAX_ERRORS_SHOWN
            result.errors = result.errors[:MAX_ERRORS_SHOWN] + [_("และข้อผิดพลาดอื่นอีก %(n)s รายการ") % {"n": hidden}]
        return result

    years = sorted({year for _code, year in grouped})
    with transaction.atomic():
        run = SyncRun.objects.create(
            trigger=SyncRun.Trigger.IMPORT,
            started_by=user,
            fiscal_year=years[-1],
            file_name=name[:255],
            offices_total=len(grouped),
        )
        for (office_code, fiscal_year), items in sorted(grouped.items()):
            started = timezone.now()
            counts = indicators_upsert(
                office=offices[office_code],
                fiscal_year=fiscal_year,
                items=items,
                source=Indicator.Source.FILE,
                complete=True,
                at=now,
            )
            SyncOfficeResult.objects.create(
                run=run,
                office=offices[office_code],
                status=SyncOfficeResult.Status.PARTIAL if counts.kept else SyncOfficeResult.Status.OK,
                created_count=counts.created,
                updated_count=counts.updated,
                unchanged_count=counts.unchanged,
                refused_count=len(counts.kept),
                errors=counts.kept,
                started_at=started,
                finished_at=timezone.now(),
            )
        result.run = sync_run_refresh(run_id=run.pk)
    result.offices, result.rows = len(grouped), len(rows) - 1
    return result
