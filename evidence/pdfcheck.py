"""Decide whether a file is a PDF an office may keep as evidence.

This module does not import Django: the checking runs in a forked child process bounded in
time and address space (`check_pdf_file`), and the benchmark runs it without a project.
The verdict is a short reason *code*; evidence.validation turns codes into Thai messages.

Any exception at all while parsing means "refused": a reader that gives up on a file is
exactly the signal that reviewers' viewers may give up on it too.
"""

from __future__ import annotations

import json
import logging
import os
import re
import resource
import select
import signal
import time
from dataclasses import asdict, dataclass

# Limits inside the child. pypdf's own defaults (75 MB per stream) are far above what a
# 2 MB evidence file needs; a page of scanned text decodes to well under a megabyte.
STREAM_DECODED_MAX = 16 * 1024 * 1024
FILE_DECODED_MAX = 64 * 1024 * 1024
CHILD_TIME_LIMIT_SECONDS = 2.0
CHILD_ADDRESS_SPACE_HEADROOM = 192 * 1024 * 1024
REPAIR_MESSAGE = re.compile(r"repair|xref|startxref|reconstruct", re.IGNORECASE)
TAIL_WHITESPACE = re.compile(rb"[\x00\t\n\x0c\r ]*")

# Keys and action types that make a PDF do something on its own when opened or viewed.
ACTION_TYPES_REFUSED = {"/JavaScript": "javascript", "/Launch": "launch"}


@dataclass
class Verdict:
    ok: bool
    code: str = ""  # empty when ok; otherwise one of the REASON codes in evidence.validation
    detail: str = ""  # technical detail for the log and the admin, never shown as the reason
    page_count: int = 0
    seconds: float = 0.0
    peak_rss_kb: int = 0


class Refused(Exception):
    def __init__(self, code: str, detail: str = ""):
        super().__init__(code, detail)
        self.code = code
        self.detail = detail


# --- The checks themselves (run inside the child) ------------------------------------------


def _check_tail(data: bytes) -> None:
    """Everything after the last %%EOF must be whitespace.

    An incremental update ends with its own %%EOF, so a genuine update is never a tail;
    a ZIP or HTML glued after the PDF is.
    """
    end = data.rfind(b"%%EOF")
    if end < 0:
        raise Refused("truncated", "no %%EOF marker")
    tail = data[end + 5 :]
    if TAIL_WHITESPACE.fullmatch(tail) is None:
        raise Refused("garbage_tail", f"{len(tail)} bytes after the last %%EOF")


def _scan_dictionary(obj) -> None:
    from pypdf.generic import DictionaryObject, NameObject

    if "/JS" in obj or "/JavaScript" in obj:
        raise Refused("javascript", "a /JS entry or a /JavaScript name tree")
    action_type = obj.get("/S")
    if isinstance(action_type, NameObject) and action_type in ACTION_TYPES_REFUSED:
        raise Refused(ACTION_TYPES_REFUSED[action_type], f"an action of type {action_type}")
    open_action = obj.get("/OpenAction")
    # A destination array only sets the first view (office suites write one); an action
    # dictionary makes the file act when opened, and only "go to a page" is harmless.
    if open_action is not None:
        target = open_action.get_object()
        if isinstance(target, DictionaryObject) and target.get("/S") != "/GoTo":
            raise Refused("open_action", f"/OpenAction of type {target.get('/S')}")
    if "/AA" in obj:
        raise Refused("page_action", "an /AA additional-actions entry")
    if obj.get("/Type") == "/EmbeddedFile" or "/EmbeddedFiles" in obj or "/EF" in obj:
        raise Refused("embedded_file", "an embedded file")


def _scan_object(obj, decoded: list[int]) -> None:
    """Refuse active content in one object and the direct objects inside it; decode streams.

    Indirect references are not followed here: every indirect object is scanned on its own.
    """
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, StreamObject

    if isinstance(obj, StreamObject):
        data = obj.get_data()
        decoded[0] += len(data)
        if len(data) > STREAM_DECODED_MAX or decoded[0] > FILE_DECODED_MAX:
            raise Refused("bomb", f"decoded {decoded[0]} bytes")
    pending = [obj]
    while pending:
        current = pending.pop()
        if isinstance(current, DictionaryObject):
            _scan_dictionary(current)
            children = current.values()
        elif isinstance(current, ArrayObject):
            children = current
        else:
            continue
        pending.extend(
            c for c in children if isinstance(c, (DictionaryObject, ArrayObject)) and not isinstance(c, IndirectObject)
        )


def check_pdf_bytes(data: bytes) -> int:
    """Return the page count of an acceptable PDF, or raise Refused."""
    if not data:
        raise Refused("empty", "zero bytes")
    if not data.startswith(b"%PDF-"):
        raise Refused("not_pdf", repr(data[:8]))
    _check_tail(data)

    import io

    from pypdf import PdfReader, apply_configuration

    with apply_configuration(
        zlib_maximum_output_length=STREAM_DECODED_MAX,
        lzw_maximum_output_length=STREAM_DECODED_MAX,
        run_length_maximum_output_length=STREAM_DECODED_MAX,
        array_based_stream_maximum_output_length=STREAM_DECODED_MAX,
        maximum_declared_stream_length=len(data),
        brotli_maximum_output_length=STREAM_DECODED_MAX,
        jbig2_maximum_output_length=STREAM_DECODED_MAX,
        image_maximum_buffer_size=STREAM_DECODED_MAX,
        stream_decoding_work_maximum_length=FILE_DECODED_MAX,
        zlib_maximum_recovery_input_length=0,
        page_tree_maximum_depth=32,
        page_tree_maximum_entries=10_000,
        page_tree_maximum_page_entries=200_000,
        disable_legacy_handling=True,
    ):
        # strict: a file pypdf can only read by repairing its cross-reference table is refused;
        # the office can print or save it as PDF again.
        reader = PdfReader(io.BytesIO(data), strict=True)
        if reader.is_encrypted:
            raise Refused("encrypted", "an /Encrypt dictionary")
        root = reader.trailer["/Root"].get_object()
        declared = int(root["/Pages"].get_object().get("/Count", -1))
        pages = len(reader.pages)
        if pages == 0:
            raise Refused("no_pages", "the page tree holds no page")
        if declared != pages:
            raise Refused("page_count", f"/Count says {declared}, the tree holds {pages}")
        from pypdf.generic import IndirectObject

        decoded = [0]
        # Every object in the file, reachable or not: an unreachable script is still a script.
        for generation, objects in reader.xref.items():
            for number in objects:
                _scan_object(reader.get_object(IndirectObject(number, generation, reader)), decoded)
        for number in reader.xref_objStm:
            _scan_object(reader.get_object(IndirectObject(number, 0, reader)), decoded)
    return pages


class _RepairWatcher(logging.Handler):
    """pypdf mends some broken files quietly, saying so only in its log; strict mode or not."""

    def __init__(self):
        super().__init__(level=logging.WARNING)
        self.repairs: list[str] = []

    def emit(self, record):
        message = record.getMessage()
        if REPAIR_MESSAGE.search(message):
            self.repairs.append(message)


def _child_verdict(data: bytes) -> Verdict:
    from pypdf.errors import LimitReachedError

    watcher = _RepairWatcher()
    pypdf_logger = logging.getLogger("pypdf")
    pypdf_logger.addHandler(watcher)
    pypdf_logger.propagate = False
    try:
        pages = check_pdf_bytes(data)
        if watcher.repairs:
            raise Refused("broken", watcher.repairs[0][:200])
    except LimitReachedError as error:
        return Verdict(ok=False, code="bomb", detail=str(error)[:500])
    except Refused as refused:
        return Verdict(ok=False, code=refused.code, detail=refused.detail)
    except RecursionError:
        return Verdict(ok=False, code="too_deep", detail="nesting deeper than the reader allows")
    except MemoryError:
        return Verdict(ok=False, code="bomb", detail="memory limit reached")
    except BaseException as error:  # noqa: BLE001 - any failure at all means "refused"
        return Verdict(ok=False, code="broken", detail=f"{type(error).__name__}: {error}"[:500])
    return Verdict(ok=True, page_count=pages)


# --- The bounded child process -----------------------------------------------------------


def _address_space_now() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")


def check_pdf_file(path: str, *, time_limit: float = CHILD_TIME_LIMIT_SECONDS) -> Verdict:
    """Check the file at `path` in a forked child limited in time and address space.

    Forked rather than spawned: a fresh interpreter importing pypdf costs more than the whole
    check of a 2 MB file. The parent only reads a JSON verdict from a pipe; a child that is
    killed, crashes or says nothing is a refusal, never a pass.
    """
    started = time.perf_counter()
    with open(path, "rb") as handle:
        data = handle.read()
    # Refuse the obvious without forking.
    if not data:
        return Verdict(ok=False, code="empty", detail="zero bytes", seconds=time.perf_counter() - started)
    if not data.startswith(b"%PDF-"):
        return Verdict(ok=False, code="not_pdf", detail=repr(data[:8]), seconds=time.perf_counter() - started)

    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child
        try:
            os.close(read_fd)
            limit = _address_space_now() + CHILD_ADDRESS_SPACE_HEADROOM
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
            cpu = int(time_limit) + 1
            resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu))
            payload = json.dumps(asdict(_child_verdict(data))).encode()
            with os.fdopen(write_fd, "wb") as out:
                out.write(payload)
        finally:
            os._exit(0)

    os.close(write_fd)
    chunks: list[bytes] = []
    deadline = started + time_limit
    timed_out = False
    with os.fdopen(read_fd, "rb", buffering=0) as pipe:
        while True:
            remaining = deadline - time.perf_counter()
            if remaining <= 0:
                timed_out = True
                break
            ready, _, _ = select.select([pipe], [], [], remaining)
            if not ready:
                continue
            chunk = pipe.read(65536)
            if not chunk:
                break
            chunks.append(chunk)
    if timed_out:
        os.kill(pid, signal.SIGKILL)
    _, status, usage = os.wait4(pid, 0)
    seconds = time.perf_counter() - started
    if timed_out:
        return Verdict(
            ok=False,
            code="too_slow",
            detail=f"killed after {time_limit} s",
            seconds=seconds,
            peak_rss_kb=usage.ru_maxrss,
        )
    try:
        verdict = Verdict(**json.loads(b"".join(chunks)))
    except (ValueError, TypeError):
        signalled = os.WTERMSIG(status) if os.WIFSIGNALED(status) else None
        return Verdict(
            ok=False,
            code="bomb" if signalled in (signal.SIGKILL, signal.SIGXCPU) else "broken",
            detail=f"the checker ended without a verdict (status {status})",
            seconds=seconds,
            peak_rss_kb=usage.ru_maxrss,
        )
    verdict.seconds = seconds
    verdict.peak_rss_kb = usage.ru_maxrss
    return verdict
