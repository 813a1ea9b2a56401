"""The KRS client: HTTP and JSON only, validated against CONTRACT.md. No database here.

Transient failures (refused connection, timeout, 429/5xx) are retried with exponential
backoff; everything else raises at once. Every error carries a Thai `.message` that the
sync-run page shows as it is.
"""

import logging
import time
from dataclasses import dataclass, field

import requests
from django.conf import settings
from django.utils.translation import gettext as _

from .contract import (
    AUTH_FIELDS,
    INDICATORS_PER_OFFICE,
    PATHS,
    ContractError,
    IndicatorData,
    parse_fields,
    parse_indicator,
)

logger = logging.getLogger(__name__)

TRANSIENT_STATUSES = frozenset({429, 500, 502, 503, 504})


class KRSError(Exception):
    """Base of every KRS failure. `.message` is Thai, for the sync-run page."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class KRSUnavailable(KRSError):
    """KRS could not be reached, or kept answering with a transient error after retries."""


class KRSUnknownOffice(KRSError):
    """KRS does not know the office code."""


class KRSBadResponse(KRSError):
    """KRS answered, but not with what the contract promises."""


class KRSAuthRefused(KRSError):
    """KRS refused our token."""


@dataclass
class RefusedIndicator:
    position: int
    code: str
    message: str


@dataclass
class OfficeIndicators:
    """One office's answer: the indicators that passed the contract and those refused."""

    office_code: str
    fiscal_year: int
    indicators: list[IndicatorData] = field(default_factory=list)
    refused: list[RefusedIndicator] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return not self.refused


@dataclass(frozen=True)
class KRSUser:
    username: str
    office_code: str
    first_name: str
    last_name: str


class KRSClient:
    def __init__(
        self,
        *,
        base_url: str | None = None,
        token: str | None = None,
        timeout: float | None = None,
        retries: int | None = None,
        backoff: float | None = None,
        sleep=time.sleep,
    ):
        self.base_url = (base_url if base_url is not None else settings.KRS_BASE_URL).rstrip("/")
        self.token = token if token is not None else settings.KRS_TOKEN
        self.timeout = timeout if timeout is not None else settings.KRS_TIMEOUT
        self.retries = max(1, retries if retries is not None else settings.KRS_RETRIES)
        self.backoff = backoff if backoff is not None else settings.KRS_BACKOFF
        self._sleep = sleep
        self._session = requests.Session()
        self._session.headers.update({"Accept": "application/json", "User-Agent": "pmqa-krs-client/1"})
        if self.token:
            self._session.headers["Authorization"] = f"Bearer {self.token}"

    def close(self) -> None:
        self._session.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # --- requests -----------------------------------------------------------------------

    def _request(self, method: str, path: str, *, retry: bool = True, **kwargs) -> requests.Response:
        url = self.base_url + path
        attempts = self.retries if retry else 1
        last_problem = ""
        for attempt in range(1, attempts + 1):
            try:
                response = self._session.request(method, url, timeout=self.timeout, **kwargs)
            except requests.Timeout:
                last_problem = _("KRS ไม่ตอบภายใน %(seconds)s วินาที (KRS_TIMEOUT)") % {"seconds": self.timeout}
            except requests.ConnectionError:
                last_problem = _("ติดต่อ KRS ที่ %(url)s ไม่ได้") % {"url": self.base_url}
            except requests.RequestException as exc:
                raise KRSUnavailable(_("เรียก KRS ไม่สำเร็จ: %(error)s") % {"error": exc}) from exc
            else:
                if response.status_code not in TRANSIENT_STATUSES:
                    return response
                last_problem = _("KRS ตอบกลับด้วยรหัสข้อผิดพลาด %(status)s") % {"status": response.status_code}
            logger.warning("KRS %s %s attempt %s/%s: %s", method, path, attempt, attempts, last_problem)
            if attempt < attempts:
                self._sleep(self.backoff * (2 ** (attempt - 1)))
        raise KRSUnavailable(
            _("%(problem)s (ลองแล้ว %(attempts)s ครั้ง)") % {"problem": last_problem, "attempts": attempts}
        )

    @staticmethod
    def _json(response: requests.Response):
        content_type = response.headers.get("Content-Type", "")
        if "json" not in content_type.lower():
            raise KRSBadResponse(
                _("KRS ไม่ได้ตอบเป็น JSON (ได้ %(type)s รหัส %(status)s)")
                % {"type": content_type or _("ไม่ระบุชนิด"), "status": response.status_code}
            )
        try:
            return response.json()
        except ValueError as exc:
            raise KRSBadResponse(_("KRS ตอบเป็น JSON ที่อ่านไม่ได้")) from exc

    def _check_token(self, response: requests.Response) -> None:
        if response.status_code in (401, 403):
            raise KRSAuthRefused(_("KRS ปฏิเสธรหัสเข้าถึงของระบบนี้ (ตรวจสอบ KRS_TOKEN)"))

    # --- endpoints ----------------------------------------------------------------------

    def health(self) -> None:
        """Raise KRSUnavailable unless KRS answers its health check (one try, no retries)."""
        response = self._request("GET", PATHS["health"], retry=False)
        self._check_token(response)
        if response.status_code != 200:
            raise KRSUnavailable(_("KRS ตอบการตรวจสถานะด้วยรหัส %(status)s") % {"status": response.status_code})

    def office_indicators(self, *, office_code: str, fiscal_year: int) -> OfficeIndicators:
        path = PATHS["indicators"].format(office_code=requests.utils.quote(office_code, safe=""))
        response = self._request("GET", path, params={"fiscal_year": fiscal_year})
        self._check_token(response)
        if response.status_code == 404:
            raise KRSUnknownOffice(_("KRS ไม่รู้จักรหัสสำนักงาน %(code)s") % {"code": office_code})
        if response.status_code != 200:
            raise KRSBadResponse(_("KRS ตอบกลับด้วยรหัส %(status)s ที่ไม่คาดไว้") % {"status": response.status_code})
        return parse_office_payload(self._json(response), office_code=office_code, fiscal_year=fiscal_year)

    def verify_credentials(self, *, username: str, password: str) -> KRSUser | None:
        """The KRS user for these credentials, or None if KRS says they are wrong."""
        response = self._request("POST", PATHS["auth"], json={"username": username, "password": password}, retry=False)
        if response.status_code == 401:
            try:
                body = response.json()
            except ValueError:
                body = None
            if isinstance(body, dict) and body.get("error") == "invalid_credentials":
                return None
        self._check_token(response)
        if response.status_code != 200:
            raise KRSBadResponse(_("KRS ตอบกลับด้วยรหัส %(status)s ที่ไม่คาดไว้") % {"status": response.status_code})
        try:
            return KRSUser(**parse_fields(self._json(response), AUTH_FIELDS))
        except ContractError as exc:
            raise KRSBadResponse(_("ข้อมูลผู้ใช้จาก KRS ไม่ตรงตามข้อตกลง: %(error)s") % {"error": exc.message}) from exc


def parse_office_payload(payload, *, office_code: str, fiscal_year: int) -> OfficeIndicators:
    """Apply the contract's rules to one office's answer (see CONTRACT.md, rules 1 and 2)."""
    if not isinstance(payload, dict) or not isinstance(payload.get("indicators"), list):
        raise KRSBadResponse(_("คำตอบของ KRS ไม่มีรายการ indicators ตามข้อตกลง"))
    if payload.get("office_code") != office_code or payload.get("fiscal_year") != fiscal_year:
        raise KRSBadResponse(
            _("KRS ตอบข้อมูลของสำนักงาน %(got_code)s ปี %(got_year)s แต่ขอ %(code)s ปี %(year)s")
            % {
                "got_code": payload.get("office_code"),
                "got_year": payload.get("fiscal_year"),
                "code": office_code,
                "year": fiscal_year,
            }
        )
    items = payload["indicators"]
    if len(items) != INDICATORS_PER_OFFICE:
        raise KRSBadResponse(
            _("KRS ส่งตัวชี้วัด %(count)s ตัว แต่แต่ละสำนักงานต้องมี %(limit)s ตัวพอดี ไม่ได้บันทึกข้อมูลใดของสำนักงานนี้")
            % {"count": len(items), "limit": INDICATORS_PER_OFFICE}
        )
    result = OfficeIndicators(office_code=office_code, fiscal_year=fiscal_year)
    seen: set[str] = set()
    for position, item in enumerate(items, start=1):
        raw_code = item.get("code") if isinstance(item, dict) else None
        code = raw_code.strip() if isinstance(raw_code, str) else ""
        try:
            indicator = parse_indicator(item)
            if indicator.code in seen:
                raise ContractError(_("รหัสตัวชี้วัด %(code)s ซ้ำในคำตอบเดียวกัน") % {"code": indicator.code})
        except ContractError as exc:
            result.refused.append(RefusedIndicator(position=position, code=code, message=exc.message))
            continue
        seen.add(indicator.code)
        result.indicators.append(indicator)
    return result
