"""Text that a PDF reader extracts from the book: one ToUnicode map per embedded Sarabun.

WeasyPrint maps each glyph to the text of the first cluster it met it in. In Thai a cluster
can hold several glyphs (SARA AM is drawn as NIKHAHIT + SARA AA, a tone mark can fuse with
NIKHAHIT), so a glyph could end up standing for its neighbours' text too and pdftotext read
back "กำร" for "การ". Here every glyph of the vendored font maps to its own characters, read
from the font itself: its cmap, then GSUB's single substitutions and ligatures for glyphs
that have no code point of their own (the forms without descender, the shifted tone marks).
The font's SARA AA copy used after NIKHAHIT (see scripts/build_sarabun_ttf.py) reads "ำ",
and NIKHAHIT itself reads nothing, so "น้ำ" comes back as typed.
"""

from __future__ import annotations

import functools
from pathlib import Path

import pikepdf
from django.conf import settings
from fontTools.ttLib import TTFont

FONT_DIR = Path(settings.BASE_DIR) / "static" / "vendor" / "sarabun" / "ttf"
FONT_FILES = {"Sarabun": "Sarabun-Regular.ttf", "Sarabun-Bold": "Sarabun-Bold.ttf"}
NIKHAHIT = "\u0e4d"
SARA_AM = "\u0e33"


@functools.cache
def glyph_texts(file_name: str) -> dict[int, str]:
    """glyph id → the text it stands for."""
    font = TTFont(FONT_DIR / file_name, lazy=True)
    order = font.getGlyphOrder()
    by_name: dict[str, str] = {}
    for code, name in sorted(font.getBestCmap().items()):
        by_name.setdefault(name, chr(code))
    by_name[font.getBestCmap()[ord(NIKHAHIT)]] = ""
    by_name["uni0E32.am"] = SARA_AM
    singles: list[tuple[str, str]] = []
    ligatures: list[tuple[str, list[str]]] = []
    for lookup in font["GSUB"].table.LookupList.Lookup:
        for subtable in lookup.SubTable:
            subtable = getattr(subtable, "ExtSubTable", subtable)
            if subtable.LookupType == 1:
                singles.extend(subtable.mapping.items())
            elif subtable.LookupType == 4:
                for first, ligs in subtable.ligatures.items():
                    ligatures.extend((lig.LigGlyph, [first, *lig.Component]) for lig in ligs)
    for _round in range(4):  # variants of variants
        for source, target in singles:
            if target not in by_name and source in by_name:
                by_name[target] = by_name[source]
        for target, parts in ligatures:
            if target not in by_name and all(p in by_name for p in parts):
                by_name[target] = "".join(by_name[p] for p in parts)
    return {gid: by_name[name] for gid, name in enumerate(order) if name in by_name}


def _cmap_stream(texts: dict[int, str]) -> bytes:
    lines = [
        b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap",
        b"/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def",
        b"/CMapName /Adobe-Identity-UCS def /CMapType 2 def",
        b"1 begincodespacerange <0000> <ffff> endcodespacerange",
    ]
    items = sorted(texts.items())
    for start in range(0, len(items), 100):
        chunk = items[start : start + 100]
        lines.append(f"{len(chunk)} beginbfchar".encode())
        for gid, text in chunk:
            # An empty destination is not allowed; a glyph that reads nothing maps to U+200B.
            hex_text = text.encode("utf-16-be").hex()
            lines.append(f"<{gid:04x}> <{hex_text}>".encode())
        lines.append(b"endbfchar")
    lines.append(b"endcmap CMapName currentdict /CMap defineresource pop end end")
    return b"\n".join(lines)


def fix_text_maps(pdf: pikepdf.Pdf) -> int:
    """Rewrite the ToUnicode map of every embedded Sarabun in `pdf`; returns how many."""
    fixed = 0
    seen: set = set()
    for page in pdf.pages:
        fonts = page.obj.get("/Resources", {}).get("/Font", {})
        for _name, font in fonts.items():
            if font.objgen in seen or font.get("/Subtype") != "/Type0":
                continue
            seen.add(font.objgen)
            family = str(font.get("/BaseFont", "")).lstrip("/").split("+")[-1]
            if family not in FONT_FILES:
                continue
            font.ToUnicode = pdf.make_stream(_cmap_stream(glyph_texts(FONT_FILES[family])))
            fixed += 1
    return fixed
