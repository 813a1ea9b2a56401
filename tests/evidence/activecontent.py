"""An independent look for active content in PDF bytes (not evidence.pdfcheck's code): every
object of the file, reachable or not, searched for the keys and action types viewers run."""

import io

import pikepdf

KEYS = {"/JS", "/AA", "/EmbeddedFiles", "/EF", "/XFA", "/RichMedia"}
ACTIONS = {"/JavaScript", "/Launch", "/ImportData", "/SubmitForm", "/GoToE", "/RichMediaExecute", "/Rendition"}


def _dictionaries(pdf: pikepdf.Pdf):
    """Every dictionary: each object of the file and the dictionaries written inside it."""
    pending = [obj for obj in pdf.objects]
    while pending:
        obj = pending.pop()
        if isinstance(obj, pikepdf.Stream):
            obj = obj.stream_dict
        if isinstance(obj, pikepdf.Dictionary):
            yield obj
            children = obj.values()
        elif isinstance(obj, pikepdf.Array):
            children = list(obj)
        else:
            continue
        pending.extend(c for c in children if isinstance(c, (pikepdf.Dictionary, pikepdf.Array)) and not c.is_indirect)


def active_content(data: bytes) -> set[str]:
    found: set[str] = set()
    with pikepdf.open(io.BytesIO(data)) as pdf:
        names = pdf.Root.get("/Names")
        if isinstance(names, pikepdf.Dictionary) and "/JavaScript" in names:
            found.add("/Names/JavaScript")
        if "/OpenAction" in pdf.Root and isinstance(pdf.Root.OpenAction, pikepdf.Dictionary):
            if str(pdf.Root.OpenAction.get("/S", "")) != "/GoTo":
                found.add("/OpenAction")
        for dictionary in _dictionaries(pdf):
            found.update(KEYS & set(dictionary.keys()))
            if str(dictionary.get("/S", "")) in ACTIONS:
                found.add(str(dictionary["/S"]))
            if str(dictionary.get("/Type", "")) == "/EmbeddedFile":
                found.add("/EmbeddedFile")
    return found


def bytes_after_eof(data: bytes) -> bytes:
    return data[data.rfind(b"%%EOF") + 5 :].strip()
