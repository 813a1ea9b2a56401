"""Writes for offices, memberships and roles. Plain functions, keyword-only arguments."""

import csv
import io
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.db import transaction

from .models import Membership, Office
from .roles import OFFICE_ROLES, ROLE_PERMISSIONS, Role


def roles_sync(*, using: str = "default") -> None:
    """Make the four role groups exist with exactly the permissions in ROLE_PERMISSIONS."""
    from django.apps import apps

    for app_config in apps.get_app_configs():
        create_permissions(app_config, verbosity=0, using=using)
    for role, perm_names in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.using(using).get_or_create(name=role.value)
        wanted: list[Permission] = []
        for name in perm_names:
            app_label, codename = name.split(".")
            perms = Permission.objects.using(using).filter(content_type__app_label=app_label)
            if codename == "*":
                pass
            elif codename.endswith("*"):
                perms = perms.filter(codename__startswith=codename[:-1])
            else:
                perms = perms.filter(codename=codename)
            wanted.extend(perms)
        group.permissions.set(wanted)


@transaction.atomic
def user_create(
    *,
    username: str,
    password: str,
    role: Role,
    office: Office | None = None,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
):
    """Create a user in one role. Office roles need an office; central roles must have none."""
    if role in OFFICE_ROLES and office is None:
        raise ValidationError("ผู้ใช้ของสำนักงานเขตพื้นที่ต้องสังกัดสำนักงานหนึ่งแห่ง")
    if role not in OFFICE_ROLES and office is not None:
        raise ValidationError("ผู้ตรวจและผู้ดูแลระบบไม่สังกัดสำนักงานเขตพื้นที่")
    User = get_user_model()
    user = User(username=username, first_name=first_name, last_name=last_name, email=email)
    user.is_staff = role == Role.ADMIN
    user.set_password(password)
    user.full_clean()
    user.save()
    user.groups.add(Group.objects.get(name=role.value))
    if office is not None:
        Membership.objects.create(user=user, office=office)
    return user


OFFICE_CSV_HEADER = ["code", "name", "kind", "province"]
KIND_ALIASES = {
    "spp": Office.Kind.PRIMARY,
    "สพป.": Office.Kind.PRIMARY,
    "สพป": Office.Kind.PRIMARY,
    "spm": Office.Kind.SECONDARY,
    "สพม.": Office.Kind.SECONDARY,
    "สพม": Office.Kind.SECONDARY,
}


@dataclass
class OfficeImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def offices_import_csv(*, text: str, is_demo: bool = False) -> OfficeImportResult:
    """Create or update offices from CSV text with the header code,name,kind,province.

    The file is checked whole first: one bad row and nothing is imported, and every bad
    row is named by its line number.
    """
    result = OfficeImportResult()
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    rows = list(reader)
    if not rows:
        result.errors.append("ไฟล์ว่างเปล่า")
        return result
    header = [h.strip().lower() for h in rows[0]]
    if header != OFFICE_CSV_HEADER:
        result.errors.append(
            f"บรรทัด 1: หัวตารางต้องเป็น {','.join(OFFICE_CSV_HEADER)} แต่พบ {','.join(rows[0])}"
        )
        return result
    parsed: list[dict] = []
    seen: dict[str, int] = {}
    for line_no, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(OFFICE_CSV_HEADER):
            result.errors.append(f"บรรทัด {line_no}: ต้องมี {len(OFFICE_CSV_HEADER)} ช่อง แต่พบ {len(row)} ช่อง")
            continue
        code, name, kind, province = (cell.strip() for cell in row)
        kind_value = KIND_ALIASES.get(kind.lower())
        problems = []
        if not code:
            problems.append("ไม่มีรหัสสำนักงาน")
        elif len(code) > 20:
            problems.append("รหัสสำนักงานยาวเกิน 20 ตัวอักษร")
        if not name:
            problems.append("ไม่มีชื่อสำนักงาน")
        if kind_value is None:
            problems.append(f"ประเภท '{kind}' ไม่ถูกต้อง (ใช้ สพป. หรือ สพม.)")
        if not province:
            problems.append("ไม่มีชื่อจังหวัด")
        if code in seen:
            problems.append(f"รหัส {code} ซ้ำกับบรรทัด {seen[code]}")
        if problems:
            result.errors.append(f"บรรทัด {line_no}: " + "; ".join(problems))
            continue
        seen[code] = line_no
        parsed.append({"code": code, "name": name, "kind": kind_value, "province": province})
    if result.errors:
        return result
    with transaction.atomic():
        existing = {o.code: o for o in Office.objects.filter(code__in=[p["code"] for p in parsed])}
        for item in parsed:
            office = existing.get(item["code"])
            if office is None:
                Office.objects.create(is_demo=is_demo, **item)
                result.created += 1
            elif (office.name, office.kind, office.province) != (item["name"], item["kind"], item["province"]):
                office.name, office.kind, office.province = item["name"], item["kind"], item["province"]
                office.save(update_fields=["name", "kind", "province", "updated_at"])
                result.updated += 1
            else:
                result.unchanged += 1
    return result
