"""Writes for offices, memberships and roles. Plain functions, keyword-only arguments."""

import csv
import io
import json
import uuid
from dataclasses import dataclass, field
from datetime import timedelta

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from pmqa_site.errors import Stale
from pmqa_site.roles import OFFICE_ROLES, ROLE_PERMISSIONS, Role
from pmqa_site.thaidates import format_thai_datetime

from .access import office_edit_check
from .models import (
    Membership,
    Office,
    Profile,
    ProfileAnswer,
    ProfileAnswerRevision,
    ProfileImage,
    ProfileQuestion,
    ProfileQuestionSet,
)
from .richtext import MAX_ANSWER_CHARS, richtext_clean
from .selectors import profile_question_set_for


def roles_sync(*, using: str = "default") -> None:
    """Make the four role groups exist with exactly the permissions in ROLE_PERMISSIONS."""

    for app_config in apps.get_app_configs():
        create_permissions(app_config, verbosity=0, using=using)
    for role, perm_names in ROLE_PERMISSIONS.items():
        group, _created = Group.objects.using(using).get_or_create(name=role.value)
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
        result.errors.append(f"บรรทัด 1: หัวตารางต้องเป็น {','.join(OFFICE_CSV_HEADER)} แต่พบ {','.join(rows[0])}")
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


# --- Organisation profile (ลักษณะสำคัญขององค์การ) ---------------------------------------------

AUTOSAVE_SESSION = timedelta(minutes=10)
MAX_IMAGE_BYTES = 1024 * 1024
MAX_IMAGE_SIDE = 4000
IMAGE_FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png"}


class StaleAnswer(Stale):
    """The answer changed after the form was opened; `answer` is what is saved now."""

    def __init__(self, *, answer: ProfileAnswer):
        self.answer = answer
        who = answer.updated_by.get_full_name() or answer.updated_by.username if answer.updated_by else _("ผู้อื่น")
        when = format_thai_datetime(answer.updated_at)
        super().__init__(
            _(
                "ไม่ได้บันทึก: คำตอบข้อนี้ถูกแก้ไขโดย %(who)s เมื่อ %(when)s หลังจากที่ท่านเปิดแบบฟอร์มนี้ "
                "ข้อความที่ท่านพิมพ์ยังอยู่ในแบบฟอร์ม โปรดดูความแตกต่างด้านล่าง แล้วนำข้อความไปรวมกับฉบับล่าสุดก่อนบันทึกอีกครั้ง"
            )
            % {"who": who, "when": when}
        )


@dataclass
class AnswerSaveResult:
    answer: ProfileAnswer
    removed: list[str]
    changed: bool


def profile_questions_load(*, text: str) -> tuple[ProfileQuestionSet, int]:
    """Create or update one fiscal year's question set from its JSON. Safe to run again."""
    try:
        data = json.loads(text)
        fiscal_year = int(data["fiscal_year"])
        rows = [
            (part, group, question)
            for part in data["parts"]
            for group in part["groups"]
            for question in group["questions"]
        ]
    except (ValueError, KeyError, TypeError) as exc:
        raise ValidationError(_("ไฟล์คำถามไม่ถูกรูปแบบ: %(error)s") % {"error": exc}) from exc
    numbers = [int(q["number"]) for _p, _g, q in rows]
    if sorted(numbers) != list(range(1, len(numbers) + 1)):
        raise ValidationError(_("เลขข้อคำถามต้องเรียง 1 ถึง %(n)d ไม่ซ้ำกัน") % {"n": len(numbers)})
    with transaction.atomic():
        question_set, _created = ProfileQuestionSet.objects.update_or_create(
            fiscal_year=fiscal_year,
            defaults={
                "title": data["title"],
                "intro": data.get("intro", ""),
                "instructions_title": data.get("instructions_title", ""),
                "instructions_subtitle": data.get("instructions_subtitle", ""),
                "instructions": data.get("instructions", []),
                "not_applicable_text": data["not_applicable_text"],
                "source": data.get("source", ""),
            },
        )
        for part, group, question in rows:
            ProfileQuestion.objects.update_or_create(
                question_set=question_set,
                number=int(question["number"]),
                defaults={
                    "part_number": part["number"],
                    "part_title": part["title"],
                    "part_description": part.get("description", ""),
                    "group_letter": group["letter"],
                    "group_title": group["title"],
                    "title": question["title"],
                    "sub_questions": question.get("sub_questions", []),
                },
            )
    return question_set, len(rows)


def profile_get_or_create(*, office: Office, fiscal_year: int) -> Profile:
    question_set = profile_question_set_for(fiscal_year=fiscal_year)
    if question_set is None:
        raise ValidationError(_("ยังไม่มีชุดคำถามลักษณะสำคัญขององค์การสำหรับปีงบประมาณ %(year)d") % {"year": fiscal_year})
    profile, _created = Profile.objects.get_or_create(
        office=office, fiscal_year=fiscal_year, defaults={"question_set": question_set}
    )
    return profile


def _answer_locked(*, profile: Profile, question: ProfileQuestion) -> ProfileAnswer:
    ProfileAnswer.objects.get_or_create(profile=profile, question=question)
    return (
        ProfileAnswer.objects.select_for_update(of=("self",))
        .select_related("updated_by")
        .get(profile=profile, question=question)
    )


def _revision_append(*, answer: ProfileAnswer, kind: str, user, at, restored_from=None) -> ProfileAnswerRevision:
    last_number = answer.revisions.aggregate(n=Max("number"))["n"] or 0
    return ProfileAnswerRevision.objects.create(
        answer=answer,
        number=last_number + 1,
        kind=kind,
        html=answer.html,
        not_applicable=answer.not_applicable,
        answer_version=answer.version,
        restored_from=restored_from,
        created_by=user,
        created_at=at,
        saved_at=at,
    )


def _not_applicable_html(question_set: ProfileQuestionSet) -> str:
    return f"<p>{escape(question_set.not_applicable_text)}</p>"


@transaction.atomic
def profile_answer_save(
    *,
    user,
    office: Office,
    fiscal_year: int,
    question: ProfileQuestion,
    html: str,
    not_applicable: bool,
    version: int,
    autosave: bool = False,
) -> AnswerSaveResult:
    """Save one answer if the form was opened on the answer's current version.

    Raises EditRefused (may not change this office now), StaleAnswer (someone saved in
    between) or ValidationError (too long). "Not applicable" stores the seed's stock sentence.
    """
    office_edit_check(user=user, office=office, fiscal_year=fiscal_year)
    if len(html) > MAX_ANSWER_CHARS:
        raise ValidationError(
            _("คำตอบยาว %(n)s ตัวอักษร เกินกำหนด %(max)s ตัวอักษร (รวมรูปแบบตาราง) ไม่ได้บันทึก")
            % {"n": f"{len(html):,}", "max": f"{MAX_ANSWER_CHARS:,}"}
        )
    profile = profile_get_or_create(office=office, fiscal_year=fiscal_year)
    if question.question_set_id != profile.question_set_id:
        raise ValidationError(_("คำถามนี้ไม่ได้อยู่ในชุดคำถามของปีงบประมาณ %(year)d") % {"year": fiscal_year})
    answer = _answer_locked(profile=profile, question=question)
    if version != answer.version:
        raise StaleAnswer(answer=answer)
    cleaned = richtext_clean(html)
    new_html = _not_applicable_html(profile.question_set) if not_applicable else cleaned.html
    if new_html == answer.html and not_applicable == answer.not_applicable:
        return AnswerSaveResult(answer=answer, removed=cleaned.removed, changed=False)
    now = timezone.now()
    answer.html, answer.not_applicable, answer.is_carried = new_html, not_applicable, False
    answer.version += 1
    answer.updated_by, answer.updated_at = user, now
    answer.save()
    last = answer.revisions.order_by("-number").first()
    if (
        autosave
        and last is not None
        and last.kind == ProfileAnswerRevision.Kind.AUTOSAVE
        and last.created_by_id == user.pk
        and now - last.created_at < AUTOSAVE_SESSION
    ):
        last.html, last.not_applicable, last.answer_version, last.saved_at = (
            new_html,
            not_applicable,
            answer.version,
            now,
        )
        last.save(update_fields=["html", "not_applicable", "answer_version", "saved_at"])
    else:
        kind = ProfileAnswerRevision.Kind.AUTOSAVE if autosave else ProfileAnswerRevision.Kind.SAVE
        _revision_append(answer=answer, kind=kind, user=user, at=now)
    return AnswerSaveResult(answer=answer, removed=cleaned.removed, changed=True)


@transaction.atomic
def profile_answer_restore(*, user, revision: ProfileAnswerRevision) -> ProfileAnswer:
    """Make an earlier revision the current answer again, as a new revision."""
    answer = (
        ProfileAnswer.objects.select_for_update(of=("self",))
        .select_related("profile__office")
        .get(pk=revision.answer_id)
    )
    office_edit_check(user=user, office=answer.profile.office, fiscal_year=answer.profile.fiscal_year)
    now = timezone.now()
    answer.html, answer.not_applicable, answer.is_carried = revision.html, revision.not_applicable, False
    answer.version += 1
    answer.updated_by, answer.updated_at = user, now
    answer.save()
    _revision_append(answer=answer, kind=ProfileAnswerRevision.Kind.RESTORE, user=user, at=now, restored_from=revision)
    return answer


@transaction.atomic
def profile_carry_forward(*, user, office: Office, fiscal_year: int, replace: bool = False) -> Profile:
    """Start `fiscal_year`'s profile from the year before: every answer copied, marked as carried.

    Refused when the year already has answers, unless `replace` (the office confirmed that the
    carried answers replace what is there: every answer of the year becomes last year's, or
    blank where last year had none). Last year's profile is only read."""
    office_edit_check(user=user, office=office, fiscal_year=fiscal_year)
    previous = Profile.objects.filter(office=office, fiscal_year=fiscal_year - 1).first()
    previous_answers = [a for a in previous.answers.select_related("question") if a.is_answered] if previous else []
    if not previous_answers:
        raise ValidationError(_("ไม่มีคำตอบลักษณะสำคัญขององค์การของปีงบประมาณ %(year)d ให้ยกมา") % {"year": fiscal_year - 1})
    profile = profile_get_or_create(office=office, fiscal_year=fiscal_year)
    answered_now = [a for a in profile.answers.select_related("question") if a.is_answered]
    if answered_now and not replace:
        raise ValidationError(
            _("ปีงบประมาณ %(year)d มีคำตอบแล้ว จึงยกคำตอบจากปีก่อนมาทับไม่ได้ ใช้ได้เฉพาะเมื่อยังไม่ได้ตอบข้อใดเลย")
            % {"year": fiscal_year}
        )
    questions = {q.number: q for q in profile.question_set.questions.all()}
    carried = {old.question.number: old for old in previous_answers if old.question.number in questions}
    now = timezone.now()
    for number, question in questions.items():
        old = carried.get(number)
        if old is None and not any(a.question.number == number for a in answered_now):
            continue
        answer = _answer_locked(profile=profile, question=question)
        if old is None:  # replaced by last year's: last year had no answer here
            answer.html, answer.not_applicable, answer.is_carried = "", False, False
        else:
            answer.html, answer.not_applicable, answer.is_carried = old.html, old.not_applicable, True
        answer.version += 1
        answer.updated_by, answer.updated_at = user, now
        answer.save()
        _revision_append(answer=answer, kind=ProfileAnswerRevision.Kind.CARRY, user=user, at=now)
    profile.carried_from, profile.carried_at, profile.carried_by = previous, now, user
    profile.save(update_fields=["carried_from", "carried_at", "carried_by", "updated_at"])
    return profile


def profile_image_upload(*, user, office: Office, upload) -> ProfileImage:
    """Store a picture for the profile: JPEG or PNG only, size-limited, re-encoded without metadata."""
    office_edit_check(user=user, office=office)
    if upload.size > MAX_IMAGE_BYTES:
        raise ValidationError(
            _("รูปภาพมีขนาด %(size).1f MB เกินกำหนด %(max)d MB ต่อรูป")
            % {"size": upload.size / 1024 / 1024, "max": MAX_IMAGE_BYTES // (1024 * 1024)}
        )
    not_image = _("ไฟล์นี้ไม่ใช่รูปภาพ JPEG หรือ PNG ระบบรับเฉพาะรูปภาพ JPEG หรือ PNG")
    try:
        upload.seek(0)
        with Image.open(upload) as probe:
            image_format = probe.format
            width, height = probe.size
            probe.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise ValidationError(not_image) from exc
    if image_format not in IMAGE_FORMATS:
        raise ValidationError(not_image)
    if width > MAX_IMAGE_SIDE or height > MAX_IMAGE_SIDE:
        raise ValidationError(
            _("รูปภาพมีขนาด %(w)d×%(h)d พิกเซล เกินกำหนด %(max)d×%(max)d พิกเซล")
            % {"w": width, "h": height, "max": MAX_IMAGE_SIDE}
        )
    try:
        upload.seek(0)
        with Image.open(upload) as image:
            image = ImageOps.exif_transpose(image)
            out = io.BytesIO()
            if image_format == "PNG":
                image.save(out, format="PNG", optimize=True)
            else:
                image.convert("RGB").save(out, format="JPEG", quality=85, optimize=True)
    except (OSError, ValueError) as exc:
        raise ValidationError(not_image) from exc
    data = out.getvalue()
    picture = ProfileImage(
        id=uuid.uuid4(),
        office=office,
        content_type=IMAGE_FORMATS[image_format],
        width=image.width,
        height=image.height,
        size=len(data),
        uploaded_by=user,
    )
    picture.file.save(f"{picture.pk}.{picture.extension}", ContentFile(data), save=False)
    picture.save()
    return picture
