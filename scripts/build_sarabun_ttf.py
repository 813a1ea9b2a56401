"""Build the report book's Sarabun TTFs from the vendored woff2 subsets (run once; the
results are committed under static/vendor/sarabun/ttf/, SIL OFL 1.1 like their sources).

Why not the woff2 files themselves: WeasyPrint treats the Thai and the Latin subset of one
family as one font (same name), so Latin letters came out as Thai glyphs. Here each weight's
two subsets are merged into one TTF.

And one change for text extraction: HarfBuzz writes SARA AM (ำ) as NIKHAHIT + SARA AA, so the
glyph of า would stand for both "า" and "ำ" and a PDF's ToUnicode map can say only one. A copy
of the SARA AA glyph (uni0E32.am) is used after NIKHAHIT, so pdftotext reads back "ำ" and "า"
as typed; the outlines drawn are the same.

    .venv/bin/python scripts/build_sarabun_ttf.py
"""

import copy
import sys
import tempfile
from pathlib import Path

from fontTools.feaLib.builder import addOpenTypeFeaturesFromString
from fontTools.merge import Merger
from fontTools.ttLib import TTFont

ROOT = Path(__file__).resolve().parent.parent / "static" / "vendor" / "sarabun"
OUT = ROOT / "ttf"
AM_AA = "uni0E32.am"
FEATURE = """
languagesystem thai dflt;
lookup am_aa {
    sub uni0E4D uni0E32' by uni0E32.am;
    sub uni0E4D [uni0E48 uni0E49 uni0E4A uni0E4B] uni0E32' by uni0E32.am;
    sub [uni0E4D0E48 uni0E4D0E49 uni0E4D0E4A uni0E4D0E4B] uni0E32' by uni0E32.am;
    sub [uni0E4D.narrow uni0E4D0E48.narrow uni0E4D0E49.narrow uni0E4D0E4A.narrow uni0E4D0E4B.narrow] uni0E32'
        by uni0E32.am;
} am_aa;
feature ccmp { script thai; lookup am_aa; } ccmp;
"""


def merged(weight: str, workdir: Path) -> TTFont:
    paths = []
    for subset in ("latin", "thai"):
        font = TTFont(ROOT / f"sarabun-{subset}-{weight}-normal.woff2")
        font.flavor = None
        path = workdir / f"{subset}-{weight}.ttf"
        font.save(path)
        paths.append(str(path))
    return Merger().merge(paths)


def add_am_aa(font: TTFont) -> None:
    order = font.getGlyphOrder()
    font["glyf"].glyphs[AM_AA] = copy.deepcopy(font["glyf"]["uni0E32"])
    font["hmtx"].metrics[AM_AA] = font["hmtx"].metrics["uni0E32"]
    font.setGlyphOrder(order + [AM_AA])
    font["glyf"].glyphOrder = order + [AM_AA]
    font["maxp"].numGlyphs = len(order) + 1
    classes = font["GDEF"].table.GlyphClassDef
    if classes is not None and "uni0E32" in classes.classDefs:
        classes.classDefs[AM_AA] = classes.classDefs["uni0E32"]

    # The new lookups are built in a throw-away copy, then appended to the font's own GSUB.
    scratch = copy.deepcopy(font)
    del scratch["GSUB"]
    addOpenTypeFeaturesFromString(scratch, FEATURE, tables=["GSUB"])
    new = scratch["GSUB"].table
    gsub = font["GSUB"].table
    offset = len(gsub.LookupList.Lookup)
    for lookup in new.LookupList.Lookup:
        for subtable in lookup.SubTable:
            for rule_set in getattr(subtable, "ChainSubRuleSet", None) or []:
                for rule in rule_set.ChainSubRule if rule_set else []:
                    for record in rule.SubstLookupRecord:
                        record.LookupListIndex += offset
            for record in getattr(subtable, "SubstLookupRecord", None) or []:
                record.LookupListIndex += offset
        gsub.LookupList.Lookup.append(lookup)
    gsub.LookupList.LookupCount = len(gsub.LookupList.Lookup)
    chain_index = offset + next(i for i, lookup in enumerate(new.LookupList.Lookup) if lookup.LookupType in (6, 5))
    thai = next(s for s in gsub.ScriptList.ScriptRecord if s.ScriptTag == "thai").Script
    for lang in [thai.DefaultLangSys] + [r.LangSys for r in thai.LangSysRecord]:
        for index in lang.FeatureIndex:
            record = gsub.FeatureList.FeatureRecord[index]
            if record.FeatureTag == "ccmp":
                record.Feature.LookupListIndex.append(chain_index)
                record.Feature.LookupCount = len(record.Feature.LookupListIndex)


def main() -> int:
    OUT.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        for weight, style in (("400", "Regular"), ("700", "Bold")):
            font = merged(weight, Path(tmp))
            add_am_aa(font)
            target = OUT / f"Sarabun-{style}.ttf"
            font.save(target)
            print(f"{target.relative_to(ROOT.parent.parent.parent)}: {len(font.getGlyphOrder())} glyphs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
