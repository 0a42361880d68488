"""Walk every URL of the project as one user and report what leaks.

Routes come from ``get_resolver()``; path parameters are filled with the pk (or code) of a
record of the user's own county, of the other county's canary record, and of a record that
does not exist. A parameter the walker does not know how to fill is reported as a failure, so
a new URL is walked or explicitly excused, never silently skipped.
"""

from __future__ import annotations

import html
import io
import json
import re
import zipfile
from dataclasses import dataclass, field
from html.parser import HTMLParser

from django.apps import apps
from django.contrib import admin
from django.db import models
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RegexPattern, RoutePattern

PRODUCT_APPS = ("stations", "projects", "workforce", "assessments")
MISSING_PK = 987654
MISSING_UUID = "00000000-0000-4000-8000-000000987654"

# Routes the walker does not request, each with the reason.
NOT_WALKED = {
    "login": "signing in is public; walking it as a signed-in user only redirects",
    "logout": "would end the walker's session",
    "notices:open": "follows the user's own reminder and marks it read, which every later page's bell would show; "
                    "another user's reminder is 404 (tests/config/test_reminders_views.py)",
    "admin:logout": "would end the walker's session",
    "admin:login": "signing in is public",
    "set_language": "changes the session language only; no records",
    "admin:password_change": "changes the walker's own password (and ends its session)",
    "password_change": "changes the walker's own password (and ends its session)",
    "password_change_done": "a static confirmation page",
    "admin:password_change_done": "a static confirmation page",
    "admin:jsi18n": "the admin's JavaScript catalogue, no records",
    **{f"admin:stations_{model}_{view}": "the national holiday calendar: everyone reads it, no region's record is "
       "in it (its writes are swept in test_write_sweep)" for model in ("holidaynotice", "adjustedday")
       for view in ("change", "delete", "history", "simple_history")},
}

# ``<int:pk>`` after a path segment that does not name its model directly.
SEGMENT_MODELS = {
    "people": "workforce.person",
    "assessments": "assessments.evaluation",
    "reports": "stations.monthlyreport",
    "jobs": "core.job",
    "notifications": "config.notification",
}


@dataclass
class Route:
    name: str
    pieces: list  # pattern objects from the root down
    callback: object

    @property
    def text(self) -> str:
        return "".join(str(p.pattern) for p in self.pieces)

    @property
    def namespace(self) -> str:
        return self.name.split(":")[0] if ":" in self.name else ""


def routes() -> list[Route]:
    found = []

    def walk(patterns, pieces, namespace):
        for p in patterns:
            if isinstance(p, URLResolver):
                ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
                walk(p.url_patterns, [*pieces, p], ns)
            elif isinstance(p, URLPattern):
                found.append(Route(f"{namespace}{p.name or ''}", [*pieces, p], p.callback))

    walk(get_resolver().url_patterns, [], "")
    return found


# ------------------------------------------------------------------ finding canaries

def body_of(response) -> bytes:
    """The body, read once even when streamed (a file download)."""
    if getattr(response, "streaming", False):
        if not hasattr(response, "walked_body"):
            response.walked_body = b"".join(response.streaming_content)
        return response.walked_body
    return response.content


def payload_texts(response, ignore=()) -> list[str]:
    """The response body as text, plus every XML part of an xlsx/zip, plus decoded JSON;
    without the ``ignore`` strings (what a user may see by design)."""
    body = body_of(response)
    texts = [body.decode("utf-8", "replace")]
    if body[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            texts += [archive.read(name).decode("utf-8", "replace") for name in archive.namelist()]
    if "json" in response.get("Content-Type", ""):
        texts.append(json.dumps(json.loads(body), ensure_ascii=False))
    texts = [html.unescape(t) for t in texts]
    for shown in ignore:
        texts = [t.replace(shown, "") for t in texts]
    return texts


def canaries_in(response, canaries, ignore=()) -> list[str]:
    texts = payload_texts(response, ignore)
    return sorted({c for c in canaries for t in texts if c in t})


NOISE = [
    re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"'),
    re.compile(r"\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?"),
    re.compile(r"\d{4}年\d{1,2}月\d{1,2}日\s*\d{1,2}:\d{2}"),
    re.compile(r"<dcterms:(created|modified)[^<]*</dcterms:\1>"),
    re.compile(r'<ul class="messages">.*?</ul>', re.S),  # flash messages left by the previous request
]


def fingerprint(response, ignore=()) -> str:
    """What a user sees in a response, without the parts that change on every request."""
    texts = payload_texts(response, ignore)
    if len(texts) > 1 and texts[0].startswith("PK"):
        texts = texts[1:]
    text = "\n".join(texts)
    for pattern in NOISE:
        text = pattern.sub("", text)
    text = "\n".join(line.rstrip() for line in text.splitlines() if line.strip())
    return f"{response.status_code}\n{text}"


# ------------------------------------------------------------------ forms

class FormHarvester(HTMLParser):
    """Field names and current values of the forms of a page (what a browser would post)."""

    def __init__(self):
        super().__init__()
        self.data: dict[str, list[str]] = {}
        self._select = None
        self._select_value = None
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        name = a.get("name")
        if tag == "input" and name and a.get("type") not in ("submit", "button", "file", "image", "reset"):
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                return
            self.data.setdefault(name, []).append(a.get("value") or ("on" if a.get("type") == "checkbox" else ""))
        elif tag == "select" and name:
            self._select, self._select_value = name, None
        elif tag == "option" and self._select:
            value = a.get("value", "")
            if "selected" in a or (self._select_value is None and value):
                self._select_value = value
        elif tag == "textarea" and name:
            self._textarea = name
            self.data.setdefault(name, [""])

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea][-1] += data

    def handle_endtag(self, tag):
        if tag == "select" and self._select:
            if self._select_value is not None:
                self.data.setdefault(self._select, []).append(self._select_value)
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def harvest(response) -> dict[str, list[str]]:
    if response.status_code != 200 or "html" not in response.get("Content-Type", "") or response.streaming:
        return {}
    parser = FormHarvester()
    parser.feed(response.content.decode("utf-8", "replace"))
    parser.data.pop("csrfmiddlewaretoken", None)
    return parser.data


# ------------------------------------------------------------------ filling parameters

def model_named(name: str, app_label: str = "") -> type[models.Model] | None:
    name = name.lower().replace("_", "").replace("-", "")
    if "." in name:
        return apps.get_model(name)
    candidates = [m for m in apps.get_models() if m._meta.app_label in PRODUCT_APPS
                  and not m.__name__.startswith("Historical")]
    preferred = [m for m in candidates if m._meta.app_label == app_label] + candidates
    for match in (lambda m: m._meta.model_name == name, lambda m: m._meta.model_name == name.rstrip("s"),
                  lambda m: m._meta.model_name.endswith(name.rstrip("s"))):
        for m in preferred:
            if match(m):
                return m
    return None


def admin_model(route: Route):
    """The model an admin route belongs to, from its URL name (``admin:projects_contract_change``)."""
    for model in admin.site._registry:
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}_"
        if route.name.startswith(prefix):
            return model
    return None


@dataclass
class Fill:
    """Concrete paths of one route: ``targets`` maps "own"/"canary"/"missing" to a path."""

    targets: dict = field(default_factory=dict)
    problem: str = ""


ROUTE_PARAM = re.compile(r"<(?:(?P<conv>\w+):)?(?P<name>\w+)>")


class Filler:
    """Turns a route into paths, given the records to use (``records[kind][model] -> pk``)."""

    def __init__(self, records: dict, codes: dict, enums: dict, history_ids: dict, evidence_paths: dict):
        self.records = records          # kind -> {model: pk}
        self.codes = codes              # kind -> region code
        self.enums = enums              # param name -> values (one path per value, kind "own")
        self.history_ids = history_ids  # kind -> {model: history_id}
        self.evidence_paths = evidence_paths

    def model_for(self, route: Route, param: str, before: str):
        if route.name.startswith("admin:"):
            if route.name == "admin:auth_user_password_change":
                return apps.get_model("stations", "user")
            return admin_model(route)
        if param.endswith("_pk"):
            return model_named(param[:-3], route.namespace)
        segment = [s for s in before.split("/") if s][-1] if before.strip("/") else ""
        return model_named(SEGMENT_MODELS.get(segment, segment), route.namespace)

    def fill(self, route: Route) -> Fill:
        text = route.text
        if route.name == "admin:view_on_site":
            return self._view_on_site()
        if route.name == "admin:app_list":
            labels = re.search(r"\(\?P<app_label>([^)]*)\)", text).group(1).split("|")
            return Fill({f"own:{label}": f"/admin/{label}/" for label in labels})
        if route.name == "admin:" or (isinstance(route.pieces[-1].pattern, RegexPattern)
                                      and "(?P<url>" in text):
            return Fill({"own": "/admin/no-such-page/"})
        if "^media/" in text:  # uploaded files served by path: county B's evidence must not be
            return Fill({kind: "/media/" + name for kind, name in self.evidence_paths.items()}
                        | {"missing": "/media/evidence/no-such-file.pdf"})
        targets = {}
        for kind in ("own", "canary", "missing"):
            path, problem = self._path(route, kind)
            if problem:
                return Fill(problem=problem)
            if path is None:
                continue
            if isinstance(path, dict):
                targets.update(path)
            else:
                targets[kind] = path
        return Fill(targets)

    def _view_on_site(self) -> Fill:
        from django.contrib.contenttypes.models import ContentType

        station = apps.get_model("stations", "station")
        ct = ContentType.objects.get_for_model(station).pk
        return Fill({kind: f"/admin/r/{ct}/{pks[station]}/" for kind, pks in self.records.items()
                     if station in pks})

    def _path(self, route: Route, kind: str):
        out = "/"
        for piece in route.pieces:
            pattern = piece.pattern
            if isinstance(pattern, RoutePattern):
                chunk, problem = self._route_chunk(route, str(pattern), kind, out)
            elif isinstance(pattern, RegexPattern):
                chunk, problem = self._regex_chunk(route, str(pattern), kind)
            else:
                return None, f"{route.name}: unknown pattern type {type(pattern).__name__}"
            if problem:
                return None, problem
            if chunk is None:
                return None, ""
            if isinstance(chunk, dict):
                return {k: out + v for k, v in chunk.items()}, ""
            out += chunk
        if kind != "own" and out == self._plain(route):
            return None, ""  # no parameter: one path only
        return out, ""

    def _plain(self, route):
        return "/" + "".join(str(p.pattern) for p in route.pieces)

    def _route_chunk(self, route, text, kind, before):
        problem = ""
        enum_paths = None

        def value(match):
            nonlocal problem, enum_paths
            conv, name = match.group("conv") or "str", match.group("name")
            if name in self.enums:
                enum_paths = name
                return f"{{{name}}}"
            if name == "code" and conv == "str":
                return self.codes[kind]
            if conv in ("int", "path", "str", "uuid") and (name in ("pk", "object_id", "id") or name.endswith("_pk")):
                model = self.model_for(route, name, before + text[: match.start()])
                if model is None:
                    problem = f"{route.name}: cannot tell which model <{conv}:{name}> names in {route.text!r}"
                    return ""
                if kind == "missing":
                    return MISSING_UUID if conv == "uuid" else str(MISSING_PK)
                pk = self.records[kind].get(model)
                if pk is None and kind == "canary" and model._meta.app_label in PRODUCT_APPS:
                    problem = (f"{route.name}: no record of {model._meta.label} to try; "
                               f"add one to tests/security/dataset.py")
                    return ""
                if pk is None:
                    return "{none}"
                return str(pk)
            problem = (f"{route.name}: the walker cannot fill <{conv}:{name}> in {route.text!r}; "
                       f"teach tests/security/walker.py how, or list the route in NOT_WALKED with a reason")
            return ""

        chunk = ROUTE_PARAM.sub(value, text)
        if problem:
            return None, problem
        if "{none}" in chunk:
            return None, ""
        if enum_paths:
            if kind != "own":
                return None, ""
            return {f"own:{v}": chunk.replace(f"{{{enum_paths}}}", v) for v in self.enums[enum_paths]}, ""
        return chunk, ""

    def _regex_chunk(self, route, text, kind):
        if text == r"^([^/]+)/history/([^/]+)/$":  # django-simple-history's "history of one version"
            model = admin_model(route)
            if kind == "missing":
                return f"{MISSING_PK}/history/{MISSING_PK}/", ""
            pk, history_id = self.records[kind].get(model), self.history_ids[kind].get(model)
            if pk is None or history_id is None:
                return None, ""
            return f"{pk}/history/{history_id}/", ""
        return None, (f"{route.name}: the walker cannot fill the regular expression {text!r}; "
                      f"teach tests/security/walker.py how, or list the route in NOT_WALKED with a reason")


# ------------------------------------------------------------------ forms one by one (the write sweep)

@dataclass
class PageForm:
    """One ``<form>`` of a page: where it posts and its controls as ``(name, value, kind)``, in order;
    ``kind`` is the input's type, or "select", "textarea"."""

    action: str
    method: str
    controls: list = field(default_factory=list)

    def data(self) -> dict[str, list[str]]:
        """What a browser would send (file inputs left out: the sweep adds its own files)."""
        out: dict[str, list[str]] = {}
        for name, value, kind in self.controls:
            if kind != "file":
                out.setdefault(name, []).append(value)
        return out

    def kinds(self) -> dict[str, str]:
        return {name: kind for name, _value, kind in self.controls}


class FormsParser(HTMLParser):
    """The forms of a page, each with its own controls and their current values."""

    SKIPPED = ("submit", "button", "image", "reset")

    def __init__(self):
        super().__init__()
        self.forms: list[PageForm] = []
        self._form: PageForm | None = None
        self._select = None  # [name, multiple, chosen values, first non-empty value]
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._form = PageForm(html.unescape(a.get("action") or ""), (a.get("method") or "get").lower())
            self.forms.append(self._form)
            return
        if self._form is None:
            return
        name = a.get("name")
        kind = (a.get("type") or "text").lower()
        if tag == "input" and name and kind not in self.SKIPPED:
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            value = a.get("value")
            self._form.controls.append((name, value if value is not None else ("on" if kind == "checkbox" else ""),
                                        kind))
        elif tag == "select" and name:
            self._select = [name, "multiple" in a, [], None]
        elif tag == "option" and self._select:
            value = a.get("value", "")
            if "selected" in a:
                self._select[2].append(value)
            elif self._select[3] is None and value:
                self._select[3] = value
        elif tag == "textarea" and name:
            self._textarea = len(self._form.controls)
            self._form.controls.append((name, "", "textarea"))

    def handle_data(self, data):
        if self._textarea is not None:
            name, value, kind = self._form.controls[self._textarea]
            self._form.controls[self._textarea] = (name, value + data, kind)

    def handle_endtag(self, tag):
        if tag == "select" and self._select:
            name, multiple, chosen, first = self._select
            values = chosen if multiple else (chosen[-1:] or ([first] if first is not None else []))
            self._form.controls.extend((name, value, "select") for value in values)
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            name, value, kind = self._form.controls[self._textarea]
            # the HTML parser keeps the newline that follows <textarea>; a browser drops it
            self._form.controls[self._textarea] = (name, value[1:] if value.startswith("\n") else value, kind)
            self._textarea = None
        elif tag == "form":
            self._form = None


def page_forms(response) -> list[PageForm]:
    """The POST forms of an HTML page, each with its controls (no CSRF token: the test client needs none)."""
    if response.status_code != 200 or "html" not in response.get("Content-Type", "") or response.streaming:
        return []
    parser = FormsParser()
    parser.feed(response.content.decode("utf-8", "replace"))
    forms = [f for f in parser.forms if f.method == "post"]
    for form in forms:
        form.controls = [c for c in form.controls if c[0] != "csrfmiddlewaretoken"]
    return forms


# ------------------------------------------------------------------ the database, row by row (the write sweep)

class DatabaseSnapshot:
    """Every row of every table of the given apps, keyed by table and primary key, read with one
    plain SELECT per table (cheap enough to take after every request of a sweep). ``ignored``
    names ``(model label, field name)`` columns left out."""

    def __init__(self, app_labels, ignored=()):
        from django.db import connection

        quote = connection.ops.quote_name
        self.tables = []
        for model in apps.get_models(include_auto_created=True):
            opts = model._meta
            if opts.app_label not in app_labels or opts.proxy or not opts.managed:
                continue
            columns = [f for f in opts.concrete_fields if (opts.label, f.name) not in ignored and f is not opts.pk]
            sql = "SELECT {} FROM {}".format(", ".join(quote(c) for c in [opts.pk.column, *[f.column for f in columns]]),
                                             quote(opts.db_table))
            self.tables.append((opts.label, [f.name for f in columns], sql))

    def take(self) -> dict:
        from django.db import connection

        rows = {}
        with connection.cursor() as cursor:
            for label, _names, sql in self.tables:
                cursor.execute(sql)
                rows[label] = {row[0]: row[1:] for row in cursor.fetchall()}
        return rows

    def changes(self, before: dict, after: dict, limit: int = 12, ignore=None) -> list[str]:
        """The rows added, deleted or changed (column by column), described for a person; without
        the rows ``ignore(label, names, row)`` accepts (a changed row: its values before and after)."""
        out = []
        skip = ignore or (lambda label, names, row: False)
        for label, names, _sql in self.tables:
            old, new = before[label], after[label]
            if old == new:
                continue
            for pk in sorted(new.keys() - old.keys(), key=str):
                if not skip(label, names, new[pk]):
                    out.append(f"{label} {pk} added: {dict(zip(names, new[pk], strict=True))}")
            for pk in sorted(old.keys() - new.keys(), key=str):
                if not skip(label, names, old[pk]):
                    out.append(f"{label} {pk} deleted: {dict(zip(names, old[pk], strict=True))}")
            for pk in sorted(old.keys() & new.keys(), key=str):
                if old[pk] != new[pk] and not (skip(label, names, old[pk]) and skip(label, names, new[pk])):
                    changed = {n: (a, b) for n, a, b in zip(names, old[pk], new[pk], strict=True) if a != b}
                    out.append(f"{label} {pk} changed: " + ", ".join(f"{n} {a!r} -> {b!r}"
                                                                     for n, (a, b) in changed.items()))
        return out[:limit] + ([f"... and {len(out) - limit} more"] if len(out) > limit else [])
