"""What a file must be to become evidence: the checks made at upload, photo conversion, and
the Thai reason for every refusal. The PDF structure itself is checked by evidence.pdfcheck
in a bounded child process (called from the validation task)."""

from __future__ import annotations

import io
import re
import warnings

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from PIL import Image, ImageOps

PDF_MAGIC = b"%PDF-"
JPEG_MAGIC = b"\xff\xd8\xff"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
PHOTO_EXTENSIONS = {".jpg": "jpeg", ".jpeg": "jpeg", ".png": "png"}
# Larger "photos" are decompression bombs. A JPEG is decoded at a reduced scale (draft), so a
# big one costs little; a PNG is decoded whole (4 bytes a pixel), hence its lower limit.
PHOTO_MAX_PIXELS = {"JPEG": 50_000_000, "PNG": 16_000_000}
# Sizes (longest side, pixels) and JPEG qualities tried in turn until the PDF fits the budget.
PHOTO_STEPS = [(2000, 85), (1600, 80), (1280, 72), (1024, 65), (800, 55), (640, 45)]
NAME_UNSAFE = re.compile(r"[\x00-\x1f\x7f]")


def budget_bytes() -> int:
    return settings.PMQA_EVIDENCE_BUDGET_BYTES


def photo_max_bytes() -> int:
    return settings.PMQA_EVIDENCE_PHOTO_MAX_BYTES


def human_size(size: int) -> str:
    """'1.50 MB (1,572,864 ไบต์)': megabytes as file managers count them, and the exact bytes."""
    if size >= 1024 * 1024:
        short = f"{size / (1024 * 1024):.2f} MB"
    elif size >= 1024:
        short = f"{size / 1024:.1f} KB"
    else:
        return _("%(bytes)s ไบต์") % {"bytes": f"{size:,}"}
    return _("%(short)s (%(bytes)s ไบต์)") % {"short": short, "bytes": f"{size:,}"}


def clean_name(name: str) -> str:
    """The uploaded name as shown and sent back: no folders, no control characters."""
    name = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = NAME_UNSAFE.sub("", name).strip().lstrip(".")
    if len(name) > 200:
        stem, dot, ext = name.rpartition(".")
        name = (stem[: 200 - len(ext) - 1] + dot + ext) if dot and len(ext) <= 10 else name[:200]
    return name or _("เอกสาร.pdf")


def sniff_kind(*, name: str, head: bytes) -> str:
    """'pdf' or 'jpeg' or 'png': the name's extension and the content must agree."""
    extension = ("." + name.rsplit(".", 1)[-1].lower()) if "." in name else ""
    if head.startswith(PDF_MAGIC):
        kind = "pdf"
    elif head.startswith(JPEG_MAGIC):
        kind = "jpeg"
    elif head.startswith(PNG_MAGIC):
        kind = "png"
    else:
        kind = ""
    expected = "pdf" if extension == ".pdf" else PHOTO_EXTENSIONS.get(extension)
    if expected is None or kind == "":
        raise ValidationError(
            _("รับเฉพาะไฟล์ PDF และภาพถ่าย JPEG หรือ PNG: ไฟล์ “%(name)s” ไม่ใช่ชนิดเหล่านี้ (ไฟล์ PDF ต้องขึ้นต้นด้วย %%PDF- ที่ไบต์แรก)")
            % {"name": name},
            code="type",
        )
    if expected != kind:
        raise ValidationError(
            _("ไฟล์ “%(name)s” มีนามสกุล %(extension)s แต่เนื้อไฟล์เป็น %(kind)s: ไม่รับไฟล์ที่นามสกุลไม่ตรงกับเนื้อไฟล์")
            % {"name": name, "extension": extension, "kind": kind.upper()},
            code="type",
        )
    return kind


def budget_check(*, name: str, size: int, used: int) -> None:
    remaining = max(budget_bytes() - used, 0)
    if size > remaining:
        raise ValidationError(
            _(
                "ไฟล์ “%(name)s” ขนาด %(size)s เกินพื้นที่ที่เหลือ %(remaining)s: "
                "เอกสารหลักฐานทั้งหมดของประเด็นนี้รวมกันต้องไม่เกิน %(budget)s"
            )
            % {
                "name": name,
                "size": human_size(size),
                "remaining": human_size(remaining),
                "budget": human_size(budget_bytes()),
            },
            code="budget",
        )


def photo_to_pdf(*, name: str, source, remaining: int) -> bytes:
    """Turn a JPEG or PNG into a one-page PDF that fits in `remaining` bytes, or refuse."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(source)
            width, height = image.size
            limit = PHOTO_MAX_PIXELS.get(image.format, 0)
            if width * height > limit:
                raise ValidationError(
                    _("ภาพ “%(name)s” มีขนาด %(width)s×%(height)s พิกเซล เกินขีดจำกัด %(limit)s ล้านพิกเซล")
                    % {"name": name, "width": width, "height": height, "limit": limit // 1_000_000},
                    code="photo",
                )
            image.draft("RGB", (PHOTO_STEPS[0][0], PHOTO_STEPS[0][0]))
            image = ImageOps.exif_transpose(image)
            if image.mode in ("RGBA", "LA", "P"):
                image = image.convert("RGBA")
                background = Image.new("RGB", image.size, (255, 255, 255))
                background.paste(image, mask=image.getchannel("A"))
                image = background
            else:
                image = image.convert("RGB")
        except ValidationError:
            raise
        except Exception as error:  # noqa: BLE001 - any failure to read the image is a refusal
            raise ValidationError(
                _("อ่านภาพ “%(name)s” ไม่ได้ (ไฟล์ภาพเสียหายหรือไม่ใช่ภาพ JPEG/PNG)") % {"name": name}, code="photo"
            ) from error
    smallest = 0
    for longest, quality in PHOTO_STEPS:
        copy = image.copy()
        copy.thumbnail((longest, longest), Image.Resampling.LANCZOS)
        out = io.BytesIO()
        copy.save(out, format="PDF", resolution=150, quality=quality, title=name)
        smallest = out.tell()
        if smallest <= remaining:
            return out.getvalue()
    raise ValidationError(
        _(
            "ย่อและบีบอัดภาพ “%(name)s” จนเล็กที่สุดแล้วยังมีขนาด %(size)s เกินพื้นที่ที่เหลือ %(remaining)s: "
            "เอกสารหลักฐานทั้งหมดของประเด็นนี้รวมกันต้องไม่เกิน %(budget)s"
        )
        % {
            "name": name,
            "size": human_size(smallest),
            "remaining": human_size(remaining),
            "budget": human_size(budget_bytes()),
        },
        code="budget",
    )


def reason_for(code: str, **values) -> str:
    """The Thai reason shown to the office for a refusal code of evidence.pdfcheck or the task."""
    again = _("กรุณาเปิดไฟล์ต้นฉบับในโปรแกรมที่สร้าง แล้วบันทึกเป็น PDF ใหม่ แล้วส่งอีกครั้ง")
    reasons = {
        "empty": _("ไฟล์ว่างเปล่า (0 ไบต์)"),
        "not_pdf": _("ไฟล์นี้ไม่ใช่ PDF: ไฟล์ PDF ต้องขึ้นต้นด้วย %PDF- ที่ไบต์แรก"),
        "encrypted": _(
            "ไฟล์ PDF ถูกเข้ารหัสหรือตั้งรหัสผ่านไว้ ผู้ตรวจจึงเปิดอ่านไม่ได้ กรุณาบันทึกเป็น PDF ใหม่โดยไม่ตั้งรหัสผ่านและไม่จำกัดสิทธิ์ แล้วส่งอีกครั้ง"
        ),
        "broken": _("ไฟล์ PDF เสียหาย โปรแกรมอ่าน PDF เปิดไฟล์นี้ไม่ได้") + " " + again,
        "no_pages": _("ไฟล์ PDF ไม่มีหน้าเอกสารเลย (0 หน้า)") + " " + again,
        "bomb": _("ไฟล์ PDF เมื่อคลายการบีบอัดแล้วมีขนาดใหญ่เกินกว่าเอกสารจริงจะเป็นได้หลายร้อยเท่า ซึ่งเป็นลักษณะของไฟล์อันตราย")
        + " "
        + again,
        "too_deep": _("โครงสร้างภายในไฟล์ PDF ซ้อนกันลึกผิดปกติจนโปรแกรมอ่าน PDF อ่านไม่ได้") + " " + again,
        "too_complex": _("ไฟล์ PDF ซับซ้อนผิดปกติ ตรวจสอบไม่เสร็จภายในเวลาประมวลผลที่กำหนด") + " " + again,
        "active_content": _("นำคำสั่งหรือสคริปต์ที่ฝังอยู่ออกจากไฟล์ PDF นี้ไม่ได้ทั้งหมด") + " " + again,
        "duplicate": _("ไฟล์นี้ซ้ำกับไฟล์ “%(name)s” ที่แนบไว้แล้วในประเด็นนี้"),
        "unchecked": _("ระบบตรวจสอบไฟล์นี้ไม่ได้หลังจากพยายาม %(attempts)s ครั้ง กรุณาส่งไฟล์อีกครั้งภายหลัง"),
    }
    text = reasons.get(code, reasons["broken"])
    return text % values if values else text
