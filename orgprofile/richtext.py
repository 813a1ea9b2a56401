"""Rich-text answers of the profile: cleaning pasted HTML, and turning it into lines to compare.

The editor in the browser is a convenience; the server trusts nothing it sends. `richtext_clean`
keeps only the formatting the profile needs (headings, paragraphs, lists, tables, bold/italic/
underline, line breaks, links and our own uploaded pictures) and reports in Thai what it removed.
"""

import difflib
import re
from dataclasses import dataclass
from html.parser import HTMLParser

import nh3
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# Our own uploaded pictures, served by orgprofile.views.profile_image (see urls.py).
IMAGE_SRC_RE = re.compile(r"^/profile/images/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/$")

ALLOWED_TAGS = {
    "h1", "h2", "h3", "h4", "h5", "h6", "p", "br", "ul", "ol", "li",
    "table", "thead", "tbody", "tfoot", "tr", "th", "td", "caption",
    "b", "i", "u", "strong", "em", "s", "sub", "sup", "blockquote", "a", "img",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "th": {"colspan", "rowspan"},
    "td": {"colspan", "rowspan", "data-row"},
    "li": {"data-list"},
    "a": {"href"},
    "img": {"src", "alt", "width", "height"},
}
# The editor (Quill) writes alignment and indentation as these classes, never as style="".
ALLOWED_CLASSES = {
    tag: {"ql-align-center", "ql-align-right", "ql-align-justify", *(f"ql-indent-{n}" for n in range(1, 9))}
    for tag in ("p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "td", "th")
}
DROP_WITH_CONTENT = {"script", "style", "iframe", "object", "embed", "noscript", "template", "svg", "math", "frame"}
IMG_WITHOUT_SRC_RE = re.compile(r"<img(?![^>]*\bsrc=)[^>]*>")
SAFE_SCHEMES = {"http", "https", "mailto"}
MAX_ANSWER_CHARS = 500_000


def _attribute_filter(element: str, attribute: str, value: str) -> str | None:
    if element == "img" and attribute == "src":
        return value if IMAGE_SRC_RE.match(value) else None
    if attribute in ("colspan", "rowspan", "width", "height"):
        return value if value.isdigit() and 0 < int(value) <= 4000 else None
    if attribute == "data-list":
        return value if value in ("bullet", "ordered", "checked", "unchecked") else None
    if attribute == "data-row":
        return value if re.fullmatch(r"[A-Za-z0-9_-]{1,40}", value) else None
    return value


class _Inspector(HTMLParser):
    """Notes what the cleaner is about to remove, so the user can be told."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: set[str] = set()

    def handle_starttag(self, tag, attrs):
        if tag == "script":
            self.found.add("script")
        elif tag in ("iframe", "frame", "object", "embed"):
            self.found.add("frame")
        elif tag == "style":
            self.found.add("style")
        for name, value in attrs:
            name, value = name.lower(), (value or "").strip()
            if name.startswith("on"):
                self.found.add("handler")
            elif name == "style":
                self.found.add("style")
            elif name in ("href", "src") and re.match(r"^\s*(javascript|vbscript|data)\s*:", value, re.I):
                self.found.add("data-image" if tag == "img" and value.lower().startswith("data:") else "script-url")
            elif tag == "img" and name == "src" and not IMAGE_SRC_RE.match(value):
                self.found.add("remote-image")

    handle_startendtag = handle_starttag


REMOVED_MESSAGES = {
    "script": gettext_lazy("สคริปต์ (<script>)"),
    "frame": gettext_lazy("กรอบหน้าเว็บหรือวัตถุฝัง (<iframe>, <object>, <embed>)"),
    "handler": gettext_lazy("คำสั่งตอบสนองเหตุการณ์ (เช่น onclick, onerror)"),
    "script-url": gettext_lazy("ลิงก์ที่เป็นคำสั่ง (javascript:)"),
    "remote-image": gettext_lazy("รูปภาพจากเว็บไซต์ภายนอก (ให้ใช้ปุ่มแทรกรูปภาพเพื่ออัปโหลดรูปเข้าระบบแทน)"),
    "data-image": gettext_lazy("รูปภาพที่ฝังอยู่ในข้อความ (ให้ใช้ปุ่มแทรกรูปภาพเพื่ออัปโหลดรูปเข้าระบบแทน)"),
    "style": gettext_lazy("การจัดรูปแบบด้วย style (สี ขนาดตัวอักษร ฯลฯ)"),
}


@dataclass(frozen=True)
class CleanResult:
    html: str
    removed: list[str]


def richtext_clean(html: str) -> CleanResult:
    """Sanitise an answer's HTML; `removed` names, in Thai, each kind of thing taken out."""
    inspector = _Inspector()
    inspector.feed(html)
    inspector.close()
    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        clean_content_tags=DROP_WITH_CONTENT,
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=_attribute_filter,
        url_schemes=SAFE_SCHEMES,
        allowed_classes=ALLOWED_CLASSES,
        link_rel="noopener noreferrer nofollow",
    ).strip()
    # An <img> whose src was refused is left empty by nh3; drop the husk.
    cleaned = IMG_WITHOUT_SRC_RE.sub("", cleaned)
    if richtext_is_blank(cleaned):
        cleaned = ""
    order = list(REMOVED_MESSAGES)
    removed = [str(REMOVED_MESSAGES[key]) for key in sorted(inspector.found, key=order.index)]
    return CleanResult(html=cleaned, removed=removed)


class _TextLines(HTMLParser):
    BLOCKS = {"p", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "br", "div", "blockquote", "caption", "table"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self.current: list[str] = []

    def _break(self):
        line = " ".join("".join(self.current).split()).strip(" |")
        if line:
            self.lines.append(line)
        self.current = []

    def handle_starttag(self, tag, attrs):
        if tag in ("td", "th") and self.current:
            self.current.append(" | ")
        elif tag == "img":
            self.current.append(_("[รูปภาพ]"))
        if tag in self.BLOCKS:
            self._break()

    def handle_endtag(self, tag):
        if tag in self.BLOCKS:
            self._break()

    def handle_data(self, data):
        self.current.append(data)


def richtext_lines(html: str) -> list[str]:
    """The visible text of an answer, one line per paragraph, list item or table row."""
    parser = _TextLines()
    parser.feed(html)
    parser.close()
    parser._break()
    return parser.lines


def richtext_is_blank(html: str) -> bool:
    return not richtext_lines(html) and "<img" not in html


@dataclass(frozen=True)
class DiffLine:
    op: str  # "same", "added", "removed"
    text: str


def richtext_diff(old_html: str, new_html: str) -> list[DiffLine]:
    """Line-by-line difference between two answers' visible text."""
    old, new = richtext_lines(old_html), richtext_lines(new_html)
    result: list[DiffLine] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=old, b=new, autojunk=False).get_opcodes():
        if tag == "equal":
            result.extend(DiffLine("same", line) for line in old[i1:i2])
            continue
        result.extend(DiffLine("removed", line) for line in old[i1:i2])
        result.extend(DiffLine("added", line) for line in new[j1:j2])
    return result
