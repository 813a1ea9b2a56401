"""A stand-in KRS server for the demo, the tests and the benchmark.

A small WSGI app speaking CONTRACT.md over real HTTP on loopback. Data are deterministic:
every office the registry knows gets 30 indicators (12 mandatory, 18 chosen from a pool
by a hash of the office code and year), and the same request always gets the same answer
until `revision` changes. Knobs make it slow, fail, or answer malformed data, so the tests
can exercise each failure the product must survive.

Started by `python manage.py run_krs_standin` (127.0.0.1:8001 unless told otherwise) or,
in tests, by `StandinServer(...)` on an ephemeral port.
"""

import hashlib
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from socketserver import ThreadingMixIn
from urllib.parse import parse_qs
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from .contract import DIMENSIONS, INDICATORS_PER_OFFICE, PATHS, IndicatorData, indicator_to_json

MODES = ("ok", "html", "bad_json", "missing_code", "non_number", "count29", "count31", "wrong_office")
BANGKOK = timezone(timedelta(hours=7))

# Indicator names by dimension: the first two of each are mandatory, the rest the pool an
# office chooses from. Plausible ESA indicators, written for the demo.
NAMES = {
    "7.1": [
        "ร้อยละของผู้เรียนที่มีผลสัมฤทธิ์ทางการเรียนผ่านเกณฑ์ขั้นต่ำ",
        "ร้อยละของสถานศึกษาที่ดำเนินการตามแผนปฏิบัติราชการครบถ้วน",
        "ร้อยละของเด็กวัยเรียนในเขตพื้นที่ที่ได้รับการศึกษาขั้นพื้นฐาน",
        "อัตราการออกกลางคันของผู้เรียนลดลง",
        "ร้อยละของผู้เรียนที่อ่านออกเขียนได้ตามระดับชั้น",
        "ร้อยละของสถานศึกษาที่ผ่านการประกันคุณภาพภายใน",
        "ร้อยละของโครงการตามแผนที่บรรลุเป้าหมาย",
        "ร้อยละของการเบิกจ่ายงบประมาณตามแผน",
    ],
    "7.2": [
        "ระดับความพึงพอใจของผู้รับบริการต่อการให้บริการของสำนักงาน",
        "ร้อยละของเรื่องร้องเรียนที่ได้รับการแก้ไขภายในกำหนด",
        "ร้อยละของผู้ปกครองที่มีส่วนร่วมในการจัดการศึกษา",
        "จำนวนเครือข่ายความร่วมมือกับภาคส่วนต่าง ๆ",
        "ร้อยละของบริการที่ให้ผ่านช่องทางออนไลน์",
        "ระดับความผูกพันของผู้มีส่วนได้ส่วนเสีย",
        "ร้อยละของผู้รับบริการที่ได้รับข้อมูลข่าวสารครบถ้วน",
        "ระดับความเชื่อมั่นของประชาชนต่อสำนักงาน",
    ],
    "7.3": [
        "ร้อยละของบุคลากรที่ได้รับการพัฒนาตามแผนพัฒนาบุคลากร",
        "ระดับความผูกพันของบุคลากรต่อองค์กร",
        "ร้อยละของครูที่ได้รับการพัฒนาทักษะด้านดิจิทัล",
        "ร้อยละของบุคลากรที่มีแผนพัฒนารายบุคคล",
        "ระดับความสุขของบุคลากร",
        "ร้อยละของบุคลากรที่นำความรู้ไปใช้ในการปฏิบัติงาน",
        "อัตราการคงอยู่ของบุคลากร",
        "ร้อยละของบุคลากรที่ผ่านการประเมินสมรรถนะ",
    ],
    "7.4": [
        "จำนวนผลงานที่ได้รับการยกย่องเป็นแบบอย่างที่ดี",
        "ร้อยละของผู้บริหารที่เป็นแบบอย่างด้านคุณธรรมจริยธรรม",
        "จำนวนสถานศึกษาต้นแบบในเขตพื้นที่",
        "จำนวนหน่วยงานที่มาศึกษาดูงาน",
        "จำนวนนวัตกรรมที่ได้รับรางวัลระดับประเทศ",
        "ร้อยละของบุคลากรที่ได้รับการยกย่องเชิดชูเกียรติ",
        "จำนวนแนวปฏิบัติที่ดีที่เผยแพร่",
        "ระดับการเป็นต้นแบบด้านความโปร่งใส",
    ],
    "7.5": [
        "ร้อยละของสถานศึกษาที่ดำเนินการด้านสิ่งแวดล้อมศึกษา",
        "ร้อยละของผู้เรียนที่มีสุขภาวะที่ดี",
        "จำนวนโครงการที่ส่งเสริมเศรษฐกิจชุมชน",
        "ร้อยละของสถานศึกษาปลอดยาเสพติด",
        "ร้อยละของผู้เรียนที่ได้รับอาหารกลางวันครบถ้วน",
        "ร้อยละของสถานศึกษาที่ลดการใช้พลังงาน",
        "จำนวนกิจกรรมที่ร่วมกับชุมชนเพื่อพัฒนาสังคม",
        "ร้อยละของผู้เรียนที่มีทักษะอาชีพ",
    ],
    "7.6": [
        "ร้อยละของงบประมาณที่ประหยัดได้จากการลดต้นทุน",
        "จำนวนนวัตกรรมที่นำมาใช้ปรับปรุงกระบวนการ",
        "ร้อยละของกระบวนงานที่ใช้เทคโนโลยีดิจิทัล",
        "ระยะเวลาเฉลี่ยในการให้บริการลดลง",
        "ร้อยละของเอกสารที่ดำเนินการผ่านระบบอิเล็กทรอนิกส์",
        "จำนวนกระบวนงานที่ได้รับการปรับปรุง",
        "ร้อยละของการใช้ทรัพยากรอย่างคุ้มค่า",
        "ระดับความสำเร็จของการจัดการความรู้ในองค์กร",
    ],
}
MANDATORY_PER_DIMENSION = 2
CHOSEN_COUNT = INDICATORS_PER_OFFICE - MANDATORY_PER_DIMENSION * len(DIMENSIONS)


def _catalogue() -> tuple[list[tuple[str, str, str]], list[tuple[str, str, str]]]:
    """(mandatory, pool): (code, dimension, name) triples."""
    mandatory, pool = [], []
    for dimension in DIMENSIONS:
        for index, name in enumerate(NAMES[dimension]):
            target = mandatory if index < MANDATORY_PER_DIMENSION else pool
            prefix = "M" if target is mandatory else "C"
            target.append((f"{prefix}{len(target) + 1:02d}", dimension, name))
    return mandatory, pool


MANDATORY, POOL = _catalogue()


def _hash(*parts) -> int:
    return int.from_bytes(hashlib.sha256("|".join(str(p) for p in parts).encode()).digest()[:8], "big")


def office_indicators(office_code: str, fiscal_year: int, revision: int = 0) -> list[IndicatorData]:
    """The deterministic 30 indicators of one office and year."""
    chosen = sorted(POOL, key=lambda item: _hash("choice", office_code, fiscal_year, item[0]))[:CHOSEN_COUNT]
    chosen.sort()
    items = []
    start = datetime(fiscal_year - 543, 9, 1, 9, 0, tzinfo=BANGKOK)
    for kind, triples in (("mandatory", MANDATORY), ("chosen", chosen)):
        for code, dimension, name in triples:
            h = _hash("value", office_code, fiscal_year, code, revision)
            if name.startswith("ระดับ"):
                unit, target = "ระดับ", Decimal(4)
                result = Decimal(2 + h % 4)  # 2..5
            elif name.startswith("จำนวน"):
                unit, target = "จำนวน", Decimal(5 + h % 6)
                result = target + Decimal(h // 7 % 7) - 3
            else:
                unit, target = "ร้อยละ", Decimal(70 + 5 * (h % 5))
                result = (target * Decimal(80 + h // 11 % 40) / 100).quantize(Decimal("0.01"))
            items.append(
                IndicatorData(
                    code=code,
                    name=name,
                    kind=kind,
                    target=target,
                    result=result,
                    unit=unit,
                    achieved=result >= target,
                    dimension=dimension,
                    updated_at=start + timedelta(minutes=h % (60 * 24 * 28)),
                )
            )
    return items


@dataclass
class StandinConfig:
    """The knobs. Tests change them between requests; the server reads them per request."""

    known_offices: Callable[[str], bool] = lambda code: True
    token: str = ""
    delay: float = 0.0
    fail_status: int | None = None
    fail_times: int = 0  # with fail_status: fail this many indicator requests, then answer; 0 = always
    mode: str = "ok"
    office_modes: dict[str, str] = field(default_factory=dict)
    revision: int = 0
    users: dict[str, dict] = field(default_factory=dict)
    requests_seen: int = 0

    def __post_init__(self):
        self._lock = threading.Lock()

    def count_request(self) -> int:
        with self._lock:
            self.requests_seen += 1
            return self.requests_seen


def _json(start_response, status: str, body) -> list[bytes]:
    data = json.dumps(body, ensure_ascii=False).encode()
    start_response(status, [("Content-Type", "application/json; charset=utf-8"), ("Content-Length", str(len(data)))])
    return [data]


def _indicators_body(config: StandinConfig, office_code: str, fiscal_year: int, mode: str) -> dict:
    items = [indicator_to_json(i) for i in office_indicators(office_code, fiscal_year, config.revision)]
    if mode == "missing_code":
        del items[3]["code"]
    elif mode == "non_number":
        items[5]["result"] = "ยังไม่รายงาน"
    elif mode == "count29":
        items = items[:-1]
    elif mode == "count31":
        items.append(dict(items[0], code="X99"))
    elif mode == "wrong_office":
        office_code = office_code + "-X"
    return {"office_code": office_code, "fiscal_year": fiscal_year, "indicators": items}


def make_app(config: StandinConfig):
    indicators_prefix, indicators_suffix = PATHS["indicators"].split("{office_code}")

    def app(environ, start_response):
        path = environ.get("PATH_INFO", "")
        method = environ.get("REQUEST_METHOD", "GET")
        if config.token and environ.get("HTTP_AUTHORIZATION", "") != f"Bearer {config.token}":
            return _json(start_response, "401 Unauthorized", {"error": "invalid_token"})
        if path == PATHS["health"]:
            return _json(start_response, "200 OK", {"status": "ok"})
        if path == PATHS["auth"] and method == "POST":
            if config.delay:
                time.sleep(config.delay)
            length = int(environ.get("CONTENT_LENGTH") or 0)
            try:
                body = json.loads(environ["wsgi.input"].read(length) or b"{}")
            except ValueError:
                return _json(start_response, "400 Bad Request", {"error": "bad_json"})
            user = config.users.get(body.get("username", ""))
            if user is None or user["password"] != body.get("password"):
                return _json(start_response, "401 Unauthorized", {"error": "invalid_credentials"})
            return _json(
                start_response,
                "200 OK",
                {
                    "username": body["username"],
                    "office_code": user["office_code"],
                    "first_name": user.get("first_name", ""),
                    "last_name": user.get("last_name", ""),
                },
            )
        if path.startswith(indicators_prefix) and path.endswith(indicators_suffix) and method == "GET":
            office_code = path[len(indicators_prefix) : len(path) - len(indicators_suffix)]
            seen = config.count_request()
            if config.delay:
                time.sleep(config.delay)
            if config.fail_status and (config.fail_times == 0 or seen <= config.fail_times):
                return _json(start_response, f"{config.fail_status} Standin Failure", {"error": "standin_failure"})
            try:
                fiscal_year = int(parse_qs(environ.get("QUERY_STRING", "")).get("fiscal_year", [""])[0])
            except ValueError:
                return _json(start_response, "400 Bad Request", {"error": "fiscal_year_required"})
            if not config.known_offices(office_code):
                return _json(start_response, "404 Not Found", {"error": "unknown_office"})
            mode = config.office_modes.get(office_code, config.mode)
            if mode == "html":
                data = b"<html><body><h1>502 Bad Gateway</h1></body></html>"
                start_response("200 OK", [("Content-Type", "text/html"), ("Content-Length", str(len(data)))])
                return [data]
            if mode == "bad_json":
                data = b'{"office_code": "'
                start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(data)))])
                return [data]
            return _json(start_response, "200 OK", _indicators_body(config, office_code, fiscal_year, mode))
        return _json(start_response, "404 Not Found", {"error": "not_found"})

    return app


class _ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True
    # The benchmark opens many connections at once; the default backlog of 5 drops some.
    request_queue_size = 128


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the signature is the base class's
        pass


class StandinServer:
    """The stand-in on a real socket, served from a daemon thread. Port 0 = any free port."""

    def __init__(self, config: StandinConfig | None = None, *, host: str = "127.0.0.1", port: int = 0, quiet=True):
        self.config = config or StandinConfig()
        handler = _QuietHandler if quiet else WSGIRequestHandler
        self._server = make_server(host, port, make_app(self.config), _ThreadingWSGIServer, handler)
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> "StandinServer":
        self._thread = threading.Thread(target=self._server.serve_forever, name="krs-standin", daemon=True)
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        self._server.serve_forever()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
