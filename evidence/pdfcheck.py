"""Decide whether a file is a PDF an office may keep as evidence, and disarm what is unsafe.

This module does not import Django: the check runs in a forked child process bounded in CPU
time and address space (`check_pdf_file`); the benchmark and `evidence_check` use it too.

The verdict matches what viewers do, not what a strict parser demands:

- "can it be opened" is asked of two well-kept, tolerant engines: qpdf (through pikepdf)
  reads the structure and repairs what viewers repair (a damaged cross-reference table, a
  table that does not start at zero, bytes after %%EOF), and PDFium (through pypdfium2,
  the engine of Chromium's viewer) must open it and find every page. Images are never decoded here, so
  a JBIG2, CCITT or JPEG scan costs nothing and needs no decoder.
- bombs are found by what they do: the decoded size of every Flate/LZW stream is counted
  while it is inflated, without keeping it (a total and a per-stream ceiling far above any
  honest 2 MB file, a 13 KB white A4 scan that inflates 2,000 times included), and by the
  pixel count images declare.
- active content (JavaScript, actions run on opening or on a page, Launch and other
  actions that leave the PDF, embedded files, XFA forms, multimedia annotations, data after
  the end of the file) is not a reason to refuse: it is removed, the file is written again
  by qpdf without it (unreferenced objects are not written), and only that copy is served.
- refused: not a PDF, encrypted (any password), no page, a file neither engine can open,
  a bomb, and what the CPU or memory limit stops. Limits are CPU seconds and bytes, never
  wall-clock time: the verdict is the same on an idle machine and on the last day.
"""

from __future__ import annotations

import json
import os
import resource
import select
import signal
import time
import zlib
from dataclasses import asdict, dataclass, field

import pikepdf
import pypdfium2 as pdfium

# Bounds for the work of one check. A 2 MB file of honest scans decodes to a few hundred MB at
# most; these stop bombs, not documents.
TOTAL_DECODED_MAX = 2048 * 1024 * 1024  # everything together, images included
STREAM_DECODED_MAX = 128 * 1024 * 1024  # one stream that is not an image (a page's drawing, a font)
IMAGE_PIXELS_MAX = 400_000_000  # one image: A0 at 600 dpi is about 280 million
TOTAL_PIXELS_MAX = 2_000_000_000  # 200 A4 pages scanned at 300 dpi
CHILD_CPU_SECONDS = 20
CHILD_ADDRESS_SPACE_HEADROOM = 768 * 1024 * 1024
# Only a check stuck without using CPU (never seen) meets this; it is not a verdict: the
# file is checked again later.
WALL_BACKSTOP_SECONDS = 120
INFLATE_CHUNK = 1024 * 1024

# What removing each kind of active content is called in the verdict (evidence.validation
# turns these codes into Thai).
REMOVED_JAVASCRIPT = "javascript"
REMOVED_OPEN_ACTION = "open_action"
REMOVED_PAGE_ACTION = "page_action"
REMOVED_LAUNCH = "launch"
REMOVED_EXTERNAL_ACTION = "external_action"
REMOVED_EMBEDDED_FILE = "embedded_file"
REMOVED_XFA = "xfa"
REMOVED_MULTIMEDIA = "multimedia"
REMOVED_TAIL = "tail"

ACTION_REMOVED = {
    "/JavaScript": REMOVED_JAVASCRIPT,
    "/Launch": REMOVED_LAUNCH,
    "/ImportData": REMOVED_EXTERNAL_ACTION,
    "/SubmitForm": REMOVED_EXTERNAL_ACTION,
    "/GoToE": REMOVED_EMBEDDED_FILE,
    "/RichMediaExecute": REMOVED_MULTIMEDIA,
    "/Rendition": REMOVED_MULTIMEDIA,
    "/Movie": REMOVED_MULTIMEDIA,
    "/Sound": REMOVED_MULTIMEDIA,
}
ANNOTATIONS_REMOVED = {
    "/FileAttachment": REMOVED_EMBEDDED_FILE,
    "/RichMedia": REMOVED_MULTIMEDIA,
    "/Movie": REMOVED_MULTIMEDIA,
    "/Sound": REMOVED_MULTIMEDIA,
    "/Screen": REMOVED_MULTIMEDIA,
    "/3D": REMOVED_MULTIMEDIA,
}
INFLATED_FILTERS = {"/FlateDecode", "/Fl"}
IMAGE_FILTERS_NOT_DECODED = {"/DCTDecode", "/DCT", "/JBIG2Decode", "/CCITTFaxDecode", "/CCF", "/JPXDecode"}


@dataclass
class Verdict:
    ok: bool
    code: str = ""  # empty when ok; otherwise a reason code (evidence.validation has the Thai)
    detail: str = ""  # technical detail for the log and the admin, never shown as the reason
    page_count: int = 0
    disarmed: list[str] = field(default_factory=list)  # what was removed (codes), when anything was
    output: str = ""  # the disarmed copy written next to the file, when anything was removed
    cpu_ms: int = 0
    peak_rss_kb: int = 0
    seconds: float = 0.0
    retry: bool = False  # no verdict on the file: check it again later


class Refused(Exception):
    def __init__(self, code: str, detail: str = ""):
        super().__init__(code, detail)
        self.code = code
        self.detail = detail


# --- Bombs -------------------------------------------------------------------------------------


def _filters(stream: pikepdf.Stream) -> list[str]:
    value = stream.get("/Filter")
    if value is None:
        return []
    if isinstance(value, pikepdf.Array):
        return [str(f) for f in value]
    return [str(value)]


def _inflated_size(data: bytes, layers: int, limit: int) -> int:
    """How many bytes `data` inflates to through `layers` Flate filters in a row, counted chunk
    by chunk (never held whole), stopping at `limit`."""
    inflaters = [zlib.decompressobj() for _ in range(layers)]
    total = 0

    def feed(level: int, pending: bytes) -> None:
        nonlocal total
        inflater = inflaters[level]
        while pending:
            chunk = inflater.decompress(pending, INFLATE_CHUNK)
            pending = inflater.unconsumed_tail
            if level + 1 < layers:
                feed(level + 1, chunk)
            else:
                total += len(chunk)
                if total > limit:
                    raise Refused("bomb", f"a stream inflates past {limit} bytes")
            if not chunk and not pending:
                break

    feed(0, data)
    return total


def _declared_image_bytes(image: pikepdf.Stream) -> int:
    width, height = int(image.get("/Width", 0)), int(image.get("/Height", 0))
    bits = int(image.get("/BitsPerComponent", 8) or 8)
    space = image.get("/ColorSpace")
    components = {"/DeviceRGB": 3, "/CalRGB": 3, "/Lab": 3, "/DeviceCMYK": 4}.get(str(space), 1)
    if isinstance(space, pikepdf.Array) and len(space) > 1 and str(space[0]) == "/ICCBased":
        try:
            components = int(space[1].get("/N", 3))
        except (AttributeError, TypeError, ValueError):
            components = 4
    elif isinstance(space, pikepdf.Array):
        components = 4  # an indexed, separation or DeviceN space: at most four per pixel
    # PNG predictors add one byte a row.
    return height * ((width * components * bits + 7) // 8 + 1)


def _stream_cost(stream: pikepdf.Stream, limit: int) -> int:
    """Decoded bytes of a stream whose filters expand it (one or more Flate first in the chain)."""
    filters = _filters(stream)
    layers = 0
    while layers < len(filters) and filters[layers] in INFLATED_FILTERS:
        layers += 1
    if not layers:
        if any(f in ("/LZWDecode", "/LZW") for f in filters):
            # Rare in files written this century; decoded by qpdf, bounded by the memory limit.
            return len(stream.read_bytes(decode_level=pikepdf.StreamDecodeLevel.generalized))
        return 0
    try:
        return _inflated_size(stream.read_raw_bytes(), layers, limit)
    except zlib.error:
        return 0  # a damaged stream: viewers show what they can; it is no bomb


def _check_bombs(pdf: pikepdf.Pdf) -> None:
    """Refuse what expands far past what a 2 MB file honestly holds.

    An image may decode to what it declares (width x height x colours: a lossless 300-dpi A4
    colour scan of a white page is 13 KB that becomes 26 MB, and that is honest); a stream
    that inflates past its image's declared size, a page's drawing or a font past
    STREAM_DECODED_MAX, or everything together past TOTAL_DECODED_MAX is a bomb.
    """
    decoded = 0
    pixels = 0
    for obj in pdf.objects:
        if not isinstance(obj, pikepdf.Stream):
            continue
        limit = STREAM_DECODED_MAX
        if obj.get("/Subtype") == "/Image":
            width, height = int(obj.get("/Width", 0)), int(obj.get("/Height", 0))
            if width * height > IMAGE_PIXELS_MAX:
                raise Refused("bomb", f"an image of {width} x {height} pixels")
            pixels += width * height
            if pixels > TOTAL_PIXELS_MAX:
                raise Refused("bomb", f"images of {pixels} pixels in all")
            if set(_filters(obj)) & IMAGE_FILTERS_NOT_DECODED:
                continue
            limit = _declared_image_bytes(obj) + INFLATE_CHUNK
        decoded += _stream_cost(obj, min(limit, TOTAL_DECODED_MAX - decoded))
        if decoded > TOTAL_DECODED_MAX:
            raise Refused("bomb", f"streams decode to more than {TOTAL_DECODED_MAX} bytes")


# --- Active content --------------------------------------------------------------------------


def _action_type(value) -> str:
    try:
        action = value.get_object() if hasattr(value, "get_object") else value
    except Exception:  # noqa: BLE001 - a dangling reference is no action
        return ""
    if isinstance(action, pikepdf.Dictionary):
        return str(action.get("/S", ""))
    return ""


def _dictionaries(pdf: pikepdf.Pdf):
    """Each object of the file and every dictionary written inside one (an annotation or an
    action is often not an object of its own), without recursion: nesting may be deep."""
    pending = list(pdf.objects)
    while pending:
        obj = pending.pop()
        if isinstance(obj, pikepdf.Stream):
            obj = obj.stream_dict
        if isinstance(obj, pikepdf.Dictionary):
            yield obj
            children = list(obj.values())
        elif isinstance(obj, pikepdf.Array):
            children = list(obj)
        else:
            continue
        pending.extend(
            child
            for child in children
            if isinstance(child, (pikepdf.Dictionary, pikepdf.Array)) and not child.is_indirect
        )


def _disarm(pdf: pikepdf.Pdf) -> set[str]:
    """Remove active content everywhere in the file; return what was removed."""
    removed: set[str] = set()
    root = pdf.Root
    open_action = root.get("/OpenAction")
    if open_action is not None and isinstance(open_action, pikepdf.Dictionary):
        if str(open_action.get("/S", "")) != "/GoTo":
            del root["/OpenAction"]
            removed.add(ACTION_REMOVED.get(_action_type(open_action), REMOVED_OPEN_ACTION))
    names = root.get("/Names")
    if isinstance(names, pikepdf.Dictionary):
        if "/JavaScript" in names:
            del names["/JavaScript"]
            removed.add(REMOVED_JAVASCRIPT)
        if "/EmbeddedFiles" in names:
            del names["/EmbeddedFiles"]
            removed.add(REMOVED_EMBEDDED_FILE)
    acroform = root.get("/AcroForm")
    if isinstance(acroform, pikepdf.Dictionary) and "/XFA" in acroform:
        del acroform["/XFA"]
        removed.add(REMOVED_XFA)
    for page in pdf.pages:
        annots = page.obj.get("/Annots")
        if isinstance(annots, pikepdf.Array):
            kept = pikepdf.Array()
            for annot in annots:
                subtype = str(annot.get("/Subtype", "")) if isinstance(annot, pikepdf.Dictionary) else ""
                if subtype in ANNOTATIONS_REMOVED:
                    removed.add(ANNOTATIONS_REMOVED[subtype])
                else:
                    kept.append(annot)
            if len(kept) != len(annots):
                page.obj["/Annots"] = kept
    # Every dictionary of the file, reachable or not: actions hang off pages, annotations,
    # form fields, outlines and other actions (/Next).
    for dictionary in _dictionaries(pdf):
        if "/AA" in dictionary:
            del dictionary["/AA"]
            removed.add(REMOVED_PAGE_ACTION)
        for key in ("/A", "/Next"):
            value = dictionary.get(key)
            if value is None:
                continue
            kinds = [_action_type(v) for v in value] if isinstance(value, pikepdf.Array) else [_action_type(value)]
            dangerous = [ACTION_REMOVED[k] for k in kinds if k in ACTION_REMOVED]
            if dangerous:
                del dictionary[key]
                removed.update(dangerous)
        if "/JS" in dictionary:
            del dictionary["/JS"]
            removed.add(REMOVED_JAVASCRIPT)
        if "/EF" in dictionary:
            del dictionary["/EF"]
            removed.add(REMOVED_EMBEDDED_FILE)
        if str(dictionary.get("/Type", "")) == "/EmbeddedFile":
            removed.add(REMOVED_EMBEDDED_FILE)  # not written again once nothing refers to it
        if str(dictionary.get("/S", "")) in ACTION_REMOVED:
            removed.add(ACTION_REMOVED[str(dictionary["/S"])])  # likewise: dropped when unreferenced
    return removed


def _tail_after_eof(path: str) -> bool:
    """Whether bytes other than whitespace follow the last %%EOF (a ZIP or HTML glued on)."""
    size = os.path.getsize(path)
    with open(path, "rb") as handle:
        handle.seek(max(0, size - 65536))
        end = handle.read()
    position = end.rfind(b"%%EOF")
    return position >= 0 and end[position + 5 :].strip(b"\x00\t\n\x0c\r ") != b""


# --- The check (inside the child) ------------------------------------------------------------


def _pdfium_pages(path: str) -> int:
    try:
        document = pdfium.PdfDocument(path)
    except pdfium.PdfiumError as error:
        if "password" in str(error).lower():
            raise Refused("encrypted", str(error)) from error
        raise Refused("broken", f"PDFium: {error}") from error
    try:
        count = len(document)
        for index in range(count):
            # Finds the page in the tree as a viewer does before drawing it; the drawing itself
            # is not parsed (a damaged drawing shows blank in viewers, and bombs are found above).
            document.get_page_size(index)
        return count
    except pdfium.PdfiumError as error:
        raise Refused("broken", f"PDFium: {error}") from error
    finally:
        document.close()


def check_pdf(path: str, output: str) -> Verdict:
    """The verdict on the file at `path`; a disarmed copy is written to `output` when needed."""
    try:
        pdf = pikepdf.open(path)
    except pikepdf.PasswordError as error:
        raise Refused("encrypted", str(error)) from error
    except pikepdf.PdfError as error:
        raise Refused("broken", f"qpdf: {error}") from error
    with pdf:
        if pdf.is_encrypted:
            raise Refused("encrypted", "an /Encrypt dictionary")
        if len(pdf.pages) == 0:
            raise Refused("no_pages", "no page in the page tree")
        # Before PDFium loads a page (which parses its drawing): a bomb goes off there.
        _check_bombs(pdf)
        pages = _pdfium_pages(path)
        if pages == 0:
            raise Refused("no_pages", "no page a viewer can show")
        removed = _disarm(pdf)
        if _tail_after_eof(path):
            removed.add(REMOVED_TAIL)
        if not removed:
            return Verdict(ok=True, page_count=pages)
        # qpdf writes only what is reachable from the catalogue: what was cut off is gone.
        pdf.save(output, object_stream_mode=pikepdf.ObjectStreamMode.preserve)
    with pikepdf.open(output) as rewritten:
        if _disarm(rewritten) - {REMOVED_TAIL}:
            raise Refused("active_content", "active content survived the rewrite")
    return Verdict(ok=True, page_count=_pdfium_pages(output), disarmed=sorted(removed), output=output)


def _child_verdict(path: str, output: str) -> Verdict:
    try:
        return check_pdf(path, output)
    except Refused as refused:
        return Verdict(ok=False, code=refused.code, detail=refused.detail[:500])
    except RecursionError:
        return Verdict(ok=False, code="too_deep", detail="nesting deeper than the reader allows")
    except MemoryError:
        return Verdict(ok=False, code="bomb", detail="the memory limit was reached")
    except BaseException as error:  # noqa: BLE001 - a file the engines choke on is refused
        return Verdict(ok=False, code="broken", detail=f"{type(error).__name__}: {error}"[:500])


# --- The bounded child process ---------------------------------------------------------------


def _address_space_now() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")


def check_pdf_file(path: str, *, output: str | None = None, cpu_seconds: int = CHILD_CPU_SECONDS) -> Verdict:
    """Check the file at `path` in a forked child limited in CPU time and address space.

    The child's verdict comes back as JSON through a pipe; a child killed by its limits is a
    refusal (the same on any machine, at any load), never a pass. `output` is where a disarmed
    copy goes (default: beside the file, `.disarmed.pdf`).
    """
    output = output or f"{path}.disarmed.pdf"
    started = time.perf_counter()
    with open(path, "rb") as handle:
        head = handle.read(1024)
    if not head:
        return Verdict(ok=False, code="empty", detail="zero bytes")
    if not head.startswith(b"%PDF-"):
        return Verdict(ok=False, code="not_pdf", detail=repr(head[:8]))

    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child
        try:
            os.close(read_fd)
            limit = _address_space_now() + CHILD_ADDRESS_SPACE_HEADROOM
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
            resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1))
            payload = json.dumps(asdict(_child_verdict(path, output))).encode()
            with os.fdopen(write_fd, "wb") as out:
                out.write(payload)
        finally:
            os._exit(0)

    os.close(write_fd)
    chunks: list[bytes] = []
    stuck = False
    with os.fdopen(read_fd, "rb", buffering=0) as pipe:
        deadline = started + WALL_BACKSTOP_SECONDS
        while True:
            remaining = deadline - time.perf_counter()
            if remaining <= 0:
                stuck = True
                break
            ready, _, _ = select.select([pipe], [], [], remaining)
            if not ready:
                continue
            chunk = pipe.read(65536)
            if not chunk:
                break
            chunks.append(chunk)
    if stuck:
        os.kill(pid, signal.SIGKILL)
    _, status, usage = os.wait4(pid, 0)
    cpu_ms = int((usage.ru_utime + usage.ru_stime) * 1000)
    measured = {"cpu_ms": cpu_ms, "peak_rss_kb": usage.ru_maxrss, "seconds": time.perf_counter() - started}
    if stuck:
        return Verdict(ok=False, code="unchecked", detail="the check made no progress", retry=True, **measured)
    try:
        verdict = Verdict(**json.loads(b"".join(chunks)))
    except (ValueError, TypeError):
        signalled = os.WTERMSIG(status) if os.WIFSIGNALED(status) else None
        code = "too_complex" if signalled in (signal.SIGXCPU, signal.SIGKILL) else "bomb"
        return Verdict(ok=False, code=code, detail=f"the checker ended without a verdict (status {status})", **measured)
    for name, value in measured.items():
        setattr(verdict, name, value)
    return verdict
