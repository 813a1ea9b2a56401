"""The catalogue from the seed: loaded, exported word for word, imported for another year."""

import json
import re
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from assessments.models import Catalogue, ChecklistItem, SubItem

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "assessments" / "data" / "catalogue_2566.json"
SEED = ROOT.parent / "shared" / "seeds" / "000_7dd915da17abb5ed.txt"

pytestmark = pytest.mark.django_db


def normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def export(year=None) -> dict:
    out = StringIO()
    call_command("export_catalogue", *(["--year", str(year)] if year else []), stdout=out)
    return json.loads(out.getvalue())


def test_export_shows_every_subitem_and_item_of_part_4_2(catalogue):
    data = export()
    subitems = [s for c in data["categories"] for s in c["subitems"]]
    numbers = [s["number"] for s in subitems]
    assert numbers == [
        "1.1.1",
        "1.2",
        "1.3",
        "1.4",
        "2.1",
        "2.2",
        "2.3",
        "2.4",
        "3.1",
        "3.2",
        "3.3",
        "3.4",
        "4.1",
        "4.2",
        "4.3",
        "4.4",
        "5.1",
        "5.2",
        "5.3",
        "5.4",
        "6.1",
        "6.2",
        "6.3",
        "6.4",
    ]
    reportable = [s for s in subitems if s["reportable"]]
    assert len(reportable) == 23
    items = [t for s in reportable for level in s["levels"].values() for t in level]
    assert len(items) == 84
    one_two = next(s for s in subitems if s["number"] == "1.2")
    assert one_two["reportable"] is False
    assert "ITA" in one_two["not_reportable_reason"]
    assert data["categories"][5]["title"] == "การมุ่งเน้นระบบปฏิบัติการ"  # the seed's Part 4.2 typo, fixed from Part 3
    assert [k["code"] for k in data["evidence_kinds"]] == [
        "answer_form",
        "project",
        "approval_letter",
        "summary_report",
        "photos_links",
    ]
    assert len(data["answer_fields"]) == 10


def test_every_checklist_item_is_word_for_word_in_the_seed(catalogue):
    seed = normalise(re.sub(r"<[^>]+>", " ", SEED.read_text(encoding="utf-8")))
    seed_joined = seed.replace("บูรณา การ", "บูรณาการ")  # the one word-break fix noted in EXTRACTION_NOTES.md
    missing = [
        f"{i.subitem.number} {i.level} {i.order}"
        for i in ChecklistItem.objects.select_related("subitem")
        if normalise(i.text) not in seed_joined
    ]
    assert not missing, missing
    for sub in SubItem.objects.filter(catalogue=catalogue):
        assert normalise(sub.title) in seed, sub.number


def test_loading_twice_changes_nothing(catalogue):
    before = ChecklistItem.objects.count()
    call_command("load_catalogue", verbosity=0)
    assert ChecklistItem.objects.count() == before == 84


def test_import_another_year_without_code_change(catalogue, tmp_path):
    data = json.loads(DATA.read_text(encoding="utf-8"))
    data["fiscal_year"] = 2567
    data["categories"][0]["subitems"][0]["title"] = "การนำระบบองค์การของผู้บริหาร (ปรับปรุง 2567)"
    path = tmp_path / "catalogue_2567.json"
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    call_command("import_catalogue", str(path), stdout=StringIO())
    assert Catalogue.objects.count() == 2
    assert export(2567)["categories"][0]["subitems"][0]["title"].endswith("(ปรับปรุง 2567)")
    assert export(2566)["categories"][0]["subitems"][0]["title"] == "การนำระบบองค์การของผู้บริหาร"


def write_broken(tmp_path, mutate):
    data = json.loads(DATA.read_text(encoding="utf-8"))
    data["fiscal_year"] = 2568
    mutate(data)
    path = tmp_path / "broken.json"
    text = json.dumps(data, ensure_ascii=False, indent=2)
    path.write_text(text, encoding="utf-8")
    return path, text


def test_missing_level_is_refused_whole_naming_the_line(db, tmp_path):
    path, text = write_broken(tmp_path, lambda d: d["categories"][1]["subitems"][2]["levels"].pop("advance"))
    with pytest.raises(CommandError) as excinfo:
        call_command("import_catalogue", str(path))
    line = text[: text.index('"number": "2.3"')].count("\n") + 1
    assert f"บรรทัด {line}: ประเด็น 2.3 ไม่มีรายการระดับก้าวหน้า (Advance)" in str(excinfo.value)
    assert not Catalogue.objects.filter(fiscal_year=2568).exists()
    assert not ChecklistItem.objects.exists()


def test_duplicate_number_is_refused_whole(db, tmp_path):
    def dup(d):
        d["categories"][2]["subitems"][1]["number"] = "3.1"

    path, _text = write_broken(tmp_path, dup)
    with pytest.raises(CommandError) as excinfo:
        call_command("import_catalogue", str(path))
    assert "ประเด็น 3.1 ซ้ำ" in str(excinfo.value)
    assert not Catalogue.objects.exists()


def test_broken_json_names_its_line(db, tmp_path):
    path = tmp_path / "bad.json"
    path.write_text('{\n "fiscal_year": 2568,\n "title": \n}', encoding="utf-8")
    with pytest.raises(CommandError) as excinfo:
        call_command("import_catalogue", str(path))
    assert "บรรทัด 4" in str(excinfo.value)
