"""A browser without a browser: forms read from the page, cookies kept by hand."""

from __future__ import annotations

import html.parser

import requests


class FormParser(html.parser.HTMLParser):
    """Every form on a page with its action and field values (as a browser would submit them)."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self._select = self._textarea = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.forms.append({"action": a.get("action", ""), "fields": {}})
        elif not self.forms:
            return
        elif tag == "input" and a.get("name") and a.get("type") not in {"submit", "checkbox", "file"}:
            self.forms[-1]["fields"][a["name"]] = a.get("value", "")
        elif tag == "select":
            self._select = a.get("name")
        elif tag == "option" and self._select and ("selected" in a or self._select not in self.forms[-1]["fields"]):
            self.forms[-1]["fields"][self._select] = a.get("value", "")
        elif tag == "textarea":
            self._textarea = a.get("name")
            self.forms[-1]["fields"][self._textarea] = ""

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea and self.forms:
            self.forms[-1]["fields"][self._textarea] += data


class Browser:
    """Cookies kept by hand: the session cookie is Secure (production), the server sits behind a
    TLS proxy that says so with X-Forwarded-Proto."""

    def __init__(self, base: str):
        self.base = base
        self.cookies: dict[str, str] = {}
        self.http = requests.Session()

    def _headers(self) -> dict:
        origin = self.base.replace("http://", "https://")
        return {"X-Forwarded-Proto": "https", "Origin": origin, "Referer": origin + "/",
                "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}

    def request(self, method: str, path: str, **kwargs) -> requests.Response:
        response = self.http.request(method, self.base + path, headers=self._headers(), allow_redirects=False,
                                     timeout=60, **kwargs)
        self.cookies.update(response.cookies.get_dict())
        return response

    def get(self, path):
        return self.request("GET", path)

    def post(self, path, data=None, files=None):
        data = {"csrfmiddlewaretoken": self.cookies.get("csrftoken", ""), **(data or {})}
        return self.request("POST", path, data=data, files=files)

    def form(self, path: str, contains: str) -> dict:
        parser = FormParser()
        parser.feed(self.get(path).text)
        return next(f["fields"] for f in parser.forms if contains in f["fields"])

    def login(self, username: str, password: str) -> None:
        self.get("/accounts/login/")
        response = self.post("/accounts/login/", {"username": username, "password": password})
        assert response.status_code == 302, (username, response.status_code)

