"""The last day, as Locust plays it (`make bench-rush`): every office's staff opening pages,
autosaving, saving, uploading a 0.5-1.5 MB PDF and sending, while reviewers read the queue and
decide. Each simulated person acts every 5-25 s (reading and typing in between).

People and their sessions come from BENCH_PEOPLE (a JSON file written by bench/fill.py).
Intended refusals (a stale form: 409; a file over what is left of the budget: 400 with a
Thai reason) are counted apart from errors.
"""

import json
import os
import random
import re
import threading
from pathlib import Path

from locust import HttpUser, between, events, task

FILLED = json.loads(Path(os.environ["BENCH_PEOPLE"]).read_text())
PDFS = [Path(p).read_bytes() for p in os.environ["BENCH_PDFS"].split(os.pathsep)]
SUBITEMS = os.environ.get("BENCH_SUBITEMS", "").split(",")
COOKIE = FILLED["cookie_name"]
_lock = threading.Lock()
_staff = [p for p in FILLED["people"] if p["role"] == "staff"]
_reviewers = [p for p in FILLED["people"] if p["role"] == "reviewer"]
INTENDED = {"count": 0}


def _next(pool):
    with _lock:
        return pool.pop() if pool else None


def _field(html, name):
    found = re.search(rf'name="{name}" value="([^"]*)"', html)
    return found.group(1) if found else ""


@events.quitting.add_listener
def _report(environment, **kwargs):
    print(f"RUSH-INTENDED {INTENDED['count']}")


class OfficeStaff(HttpUser):
    weight = len(_staff)
    wait_time = between(5, 25)

    def on_start(self):
        self.person = _next(_staff)
        if self.person is None:
            self.stop()
            return
        self.client.cookies.set(COOKIE, self.person["session"])
        code, n = self.person["office"], self.person["n"]
        number = SUBITEMS[(int(code[1:]) * 3 + n) % len(SUBITEMS)]
        self.url = f"/offices/{code}/subitem/{number}/"
        self.home = f"/offices/{code}/"
        self.uploaded = self.sent = False
        self.edits = 0
        self.open()

    def open(self):
        with self.client.get(self.url, name="open sub-item", catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code}")
                return
            html = response.text
        self.form_csrf = _field(html, "csrfmiddlewaretoken")
        # Production marks the CSRF cookie Secure, which an http client never sends back; a
        # browser behind the TLS proxy does. The masked token is a valid cookie value too.
        self.client.cookies.set("csrftoken", self.form_csrf)
        self.version = _field(html, "version")
        self.editor = _field(html, "editor_token")
        self.items = sorted(set(re.findall(r'name="(item_\d+)"', html)))
        self.fields = sorted(set(re.findall(r'name="(field_\d+)"', html)))
        kinds = re.findall(r'<option value="(\d+)">([^<]+)</option>', html)
        self.kind = kinds[0][0] if kinds else ""

    def _data(self, text):
        data = {"version": self.version, "editor_token": self.editor, "csrfmiddlewaretoken": self.form_csrf}
        data.update({i: "1" for i in self.items})
        data.update({f: f"{text} ข้อ {f}" for f in self.fields})
        return data

    def _headers(self, **extra):
        return {"X-CSRFToken": self.form_csrf, "Referer": self.client.base_url + self.url, **extra}

    @task(2)
    def office_home(self):
        self.client.get(self.home, name="office home")

    @task(2)
    def reopen(self):
        self.open()

    @task(6)
    def autosave(self):
        self.edits += 1
        with self.client.post(
            self.url,
            data=self._data(f"ร่างครั้งที่ {self.edits}"),
            headers=self._headers(**{"HX-Request": "true"}),
            name="autosave",
            catch_response=True,
        ) as response:
            if response.status_code == 200:
                self.version = _field(response.text, "version") or self.version
            elif response.status_code == 409:
                INTENDED["count"] += 1
                response.success()
                self.open()
            else:
                response.failure(f"{response.status_code}")

    @task(1)
    def save(self):
        with self.client.post(
            self.url,
            data=self._data("คำตอบฉบับสมบูรณ์"),
            headers=self._headers(),
            name="save",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code == 302:
                self.open()
            elif response.status_code == 409:
                INTENDED["count"] += 1
                response.success()
                self.open()
            else:
                response.failure(f"{response.status_code}")

    @task(1)
    def upload(self):
        if self.uploaded or not self.kind:
            return
        self.uploaded = True
        pdf = random.choice(PDFS)
        with self.client.post(
            self.url + "evidence/upload/",
            data={"kind": self.kind},
            files={"files": ("หลักฐาน.pdf", pdf, "application/pdf")},
            headers=self._headers(**{"X-Requested-With": "XMLHttpRequest"}),
            name="upload 0.5-1.5 MB",
            catch_response=True,
        ) as response:
            if response.status_code == 200:
                return
            if response.status_code == 400 and "MB" in response.text:
                INTENDED["count"] += 1  # over what is left of the 2 MB: refused by design
                response.success()
            else:
                response.failure(f"{response.status_code}")

    @task(1)
    def send(self):
        if self.sent or self.edits < 2:
            return
        self.sent = True
        with self.client.post(
            self.url + "submit/",
            data={"csrfmiddlewaretoken": self.form_csrf, "next": self.url},
            headers=self._headers(),
            name="send for review",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"{response.status_code}")


class Reviewer(HttpUser):
    weight = max(1, len(_reviewers))
    wait_time = between(5, 25)

    def on_start(self):
        self.person = _next(_reviewers)
        if self.person is None:
            self.stop()
            return
        self.client.cookies.set(COOKIE, self.person["session"])

    @task(3)
    def queue(self):
        response = self.client.get("/review/", name="review queue")
        self.waiting = re.findall(r'href="(/offices/[^/]+/subitem/[^/]+/review/)"', response.text)

    @task(2)
    def decide(self):
        waiting = getattr(self, "waiting", None)
        if not waiting:
            return
        url = random.choice(waiting)
        page = self.client.get(url, name="review page")
        csrf = _field(page.text, "csrfmiddlewaretoken")
        self.client.cookies.set("csrftoken", csrf)
        with self.client.post(
            url,
            data={"csrfmiddlewaretoken": csrf, "decision": "certify", "reason": ""},
            headers={"X-CSRFToken": csrf, "Referer": self.client.base_url + url},
            name="decide",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code in (302, 200):
                response.success()
            elif response.status_code == 422 and "ไม่ได้" in response.text:
                # Another reviewer decided it first: the page refuses the move and says why.
                INTENDED["count"] += 1
                response.success()
            else:
                response.failure(f"{response.status_code}")
