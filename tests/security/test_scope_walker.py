"""Scope on every surface: every URL of the project, walked as users of one county (and of
other regions), must show nothing of another county's records.

County A (420102) and county B (420103) each get every kind of record. County B's carry
canary strings in names and free text, and unique numbers (credit code, ID number, contract
and certificate numbers). The walk fails on any canary in any page, JSON, xlsx or csv; on any
difference a signed-in user of county A can see once county B's records exist (counts); on a
different answer for "not yours" than for "missing"; on any write to county B's records or any
new record pointing at them.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from urllib.parse import quote, urlencode

import pytest
from django import urls
from django.apps import apps
from django.contrib import admin
from django.db import transaction
from django.test import Client, RequestFactory, override_settings

from config.models import Notification
from config.views import home_view
from core.models import Job
from stations.models import Region, Role, Station
from stations.roles import ensure_role_groups
from tests import builders
from tests.security import dataset
from tests.security.walker import (
    NOT_WALKED,
    PRODUCT_APPS,
    Filler,
    Route,
    canaries_in,
    fingerprint,
    harvest,
    routes,
)
from workforce.views import EXPORTS

CANARY_TAG = "金丝雀CANARY"
CANARY_CREDIT_BODY = "52420103MJC000009"
CANARY_CONTRACT = "CANARY-HT-9001"
CANARY_CERTIFICATE = "CANARY-ZS-9001"
SEARCH_TERM = "丝雀"  # finds the canary records; its echo in a search box is not itself a canary

# Records of county B that county A's users see by design, per route: what and why.
SHARED_BY_DESIGN = {
    "assessments:evaluation-create": (
        lambda canary: [f'<option value="{canary.evaluator_org.pk}">{canary.evaluator_org.name}</option>'],
        "third-party evaluation agencies with evaluator logins are offered to every county (assessments/forms.py)"),
}
# References to county B that a new record may carry by design.
REFERENCES_BY_DESIGN = {
    ("projects.organisation", "region"): "an organisation may be registered elsewhere (imported); "
                                         "it stays visible to the entering county through added_in",
}

# Fields a form may post that name another record; the walker posts the canary record's pk.
FOREIGN_FIELDS = {
    "station": Station, "stations": Station, "contractor": "projects.organisation",
    "organisation": "projects.organisation", "employer": "projects.organisation",
    "evaluator": "projects.organisation", "contract": "projects.contract", "previous": "projects.contract",
    "person": "workforce.person", "installment": "projects.paymentinstallment",
    "purchaser": "county", "region": "county", "county": "county", "registered_region": "county",
}


pytestmark = pytest.mark.django_db


def product_models():
    return [m for m in apps.get_models() if m._meta.app_label in PRODUCT_APPS]


def all_pks() -> dict:
    return {m: set(m._default_manager.values_list("pk", flat=True)) for m in product_models()}


def first_pks(created: dict) -> dict:
    return {m: min(pks) for m, pks in created.items() if pks and not m.__name__.startswith("Historical")}


def history_ids(records: dict) -> dict:
    ids = {}
    for model, pk in records.items():
        history = getattr(model, "history", None)
        if history is not None:
            row = history.filter(**{model._meta.pk.attname: pk}).order_by("history_id").first()
            if row is not None:
                ids[model] = row.history_id
    return ids


@dataclass
class World:
    h: object
    own: object
    canary: object
    canaries: list
    records: dict
    canary_rows: dict
    filler: Filler
    admin_filler: Filler
    before: dict = field(default_factory=dict)  # walker -> {path: fingerprint} before county B existed
    users: dict = field(default_factory=dict)


def walk_users(h, own):
    """The signed-in users whose walks must show nothing of county B."""
    gansu = builders.user("gansu_official", Role.PROVINCE, h.other_province, is_staff=True)
    gansu.groups.add(ensure_role_groups()[Role.PROVINCE])
    return {
        "county": own.staff,
        "station_head": own.head,
        "evaluator": own.evaluator,
        "other_city": builders.user("yichang", Role.CITY, h.other_city),
        "other_province": gansu,
        "no_role": builders.user("nobody"),
    }


def hostile_query(records, canary) -> str:
    """Every filter a list might take, naming county B's records."""
    return "?" + urlencode({
        "q": SEARCH_TERM, "region": canary.county.code[:6], "county": canary.county.pk,
        "station": records[Station], "organisation": canary.org.pk, "contract": canary.contract.pk,
        "person": canary.person.pk, "evaluator": canary.evaluator_org.pk, "full_id": "1", "code": canary.county.code,
        "month": "2025-01", "year": "2025", "status": "approved",
    })


def front_routes():
    return [r for r in routes() if not r.name.startswith("admin:") and r.name not in NOT_WALKED]


def get_paths(fill, hostile=None):
    """(kind, path) pairs to GET: the user's own paths with export (and hostile) variants."""
    for kind, path in fill.targets.items():
        if kind.startswith("own"):
            for variant in ("", "?format=xlsx", *([hostile + "&format=csv"] if hostile else [])):
                yield kind, path + variant
        else:
            yield kind, path


SNAPSHOT_USERS = ("county", "station_head", "evaluator")  # whose pages are compared before/after county B


def snapshot(client, world_filler) -> dict:
    """What the user sees of their own records (plain pages and xlsx exports)."""
    prints = {}
    for route in front_routes():
        for kind, path in get_paths(world_filler.fill(route)):
            if kind.startswith("own"):
                prints[path] = fingerprint(client.get(path))
    return prints


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    with django_db_blocker.unblock(), override_settings(
            MEDIA_ROOT=tmp_path_factory.mktemp("media"),
            PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]), transaction.atomic():
        h = builders.build_hierarchy()
        dataset.build_shared(h)
        start = all_pks()
        own = dataset.build_county_a(h)
        middle = all_pks()
        users = walk_users(h, own)
        own_records = first_pks({m: middle[m] - start[m] for m in middle})
        own_records[Job] = own.job.pk  # a user's own, not a county's: not among the product's models
        own_records[Notification] = own.notice.pk  # likewise: the staff member's own reminder
        # Before county B exists: what each user sees of their own records.
        before = {}
        pre_filler = Filler({"own": own_records, "canary": {}}, {"own": h.county_a.code, "canary": "", "missing": ""},
                            {"registry": list(EXPORTS)}, {}, {})
        for name in SNAPSHOT_USERS:
            user = users[name]
            client = Client()
            client.force_login(user)
            before[name] = snapshot(client, pre_filler)
        ids_before = all_pks()
        canary = dataset.build_county(h, county=h.county_b, township_code="420103005", tag=CANARY_TAG,
                                      credit_body=CANARY_CREDIT_BODY, id_region="420103",
                                      contract_number=CANARY_CONTRACT, certificate_number=CANARY_CERTIFICATE)
        after = all_pks()
        canary_rows = {m: after[m] - ids_before[m] for m in after if after[m] - ids_before[m]}
        records = {"own": own_records, "canary": first_pks(canary_rows)}
        records["canary"][Region] = h.county_b.pk
        records["canary"][Job] = canary.job.pk
        records["canary"][Notification] = canary.notice.pk
        canaries = ["CANARY", "金丝雀", canary.credit_code, canary.id_number, CANARY_CONTRACT, CANARY_CERTIFICATE]
        filler = Filler(records, {"own": h.county_a.code, "canary": h.county_b.code, "missing": "429999000000"},
                        {"registry": list(EXPORTS)},
                        {kind: history_ids(pks) for kind, pks in records.items()},
                        {"canary": canary.evidence.file.name})
        # In the admin, Gansu's official may see nothing of Hubei, province-wide records included.
        gansu, hubei = users["other_province"], dict(records["canary"])
        for model in product_models():
            if model not in hubei and hasattr(model._default_manager, "visible_to"):
                hidden = model._default_manager.exclude(pk__in=model._default_manager.visible_to(gansu).values("pk"))
                if hidden.exists():
                    hubei[model] = hidden.order_by("pk").values_list("pk", flat=True).first()
        admin_records = {"own": {}, "canary": hubei}
        admin_filler = Filler(admin_records, {"own": "", "canary": h.county_b.code, "missing": "429999000000"},
                              {}, {kind: history_ids(pks) for kind, pks in admin_records.items()}, {})
        yield World(h, own, canary, canaries, records, canary_rows, filler, admin_filler, before, users)
        transaction.set_rollback(True)


class Findings(list):
    def check(self, what, response, canaries, ignore=()):
        found = canaries_in(response, canaries, ignore)
        if found:
            self.append(f"{what}: shows {found} (status {response.status_code})")


def canary_values(world) -> dict:
    return {m: {row["pk"]: row for row in m._default_manager.filter(pk__in=pks).values("pk", *[
        f.attname for f in m._meta.concrete_fields if f.attname not in ("last_login",)])}
        for m, pks in world.canary_rows.items()}


def check_integrity(world, values_before, pks_before, findings):
    """County B's records are unchanged, and nothing new points at them."""
    values_after = canary_values(world)
    for model, rows in values_before.items():
        for pk, row in rows.items():
            if values_after[model].get(pk) != row:
                findings.append(f"{model._meta.label} {pk} of county B was changed or deleted: "
                                f"{row} -> {values_after[model].get(pk)}")
    canary_pks = {m: pks for m, pks in world.canary_rows.items()}
    for model in product_models():
        if model.__name__.startswith("Historical"):
            continue
        new = model._default_manager.exclude(pk__in=pks_before[model])
        for f in model._meta.get_fields():
            target = getattr(f, "related_model", None)
            if not (f.concrete and (f.many_to_one or f.one_to_one or f.many_to_many)) or target not in canary_pks:
                continue
            if (model._meta.label_lower, f.name) in REFERENCES_BY_DESIGN:
                continue
            hits = new.filter(**{f"{f.name}__in": canary_pks[target]})
            if target is Region:
                hits = new.filter(**{f"{f.name}__code__startswith": world.h.county_b.code[:6]})
            if hits.exists():
                findings.append(f"a new {model._meta.label} points at county B's {target._meta.label} via {f.name}")


def plausible(data: dict, world) -> dict:
    """A form's own values with every reference field pointing at county B."""
    posted = {k: list(v) for k, v in data.items()}
    for key in list(posted) or []:
        base = key.rsplit("-", 1)[-1]
        target = FOREIGN_FIELDS.get(base)
        if target == "county":
            posted[key] = [str(world.h.county_b.pk)]
        elif target is not None:
            model = apps.get_model(target) if isinstance(target, str) else target
            posted[key] = [str(world.records["canary"][model])]
    for base, target in FOREIGN_FIELDS.items():
        if base not in posted:
            model = apps.get_model(target) if isinstance(target, str) and target != "county" else target
            posted[base] = [str(world.h.county_b.pk if target == "county" else world.records["canary"][model])]
    return posted


def shared_by_design(route, world) -> list[str]:
    shown, _reason = SHARED_BY_DESIGN.get(route.name, (lambda canary: [], ""))
    return shown(world.canary)


def echoes(term) -> list[str]:
    """A search term as the page repeats it back (search box, links)."""
    query = urlencode({"q": term})
    return [f'value="{term}"', query, quote(query, safe=""), f"q={quote(term)}"]


def status_of(response):
    return response.status_code, response.get("Location", "") if response.status_code in (301, 302) else ""


@pytest.mark.parametrize("who", ["county", "station_head", "evaluator", "other_city", "other_province", "no_role"])
def test_walk_every_url_shows_nothing_of_another_county(world, who, client):
    user = world.users[who]
    client.force_login(user)
    findings = Findings()
    hostile = hostile_query(world.records["canary"], world.canary)
    forms = {}
    answers = {}
    # GET: own paths (and their exports and hostile queries), canary and missing paths
    for route in front_routes():
        fill = world.filler.fill(route)
        if fill.problem:
            findings.append(fill.problem)
            continue
        ignore = shared_by_design(route, world)
        for kind, path in get_paths(fill, hostile):
            response = client.get(path)
            findings.check(f"GET {path}", response, world.canaries, ignore)
            answers[(route.name, "GET", kind)] = (path, status_of(response))
            if kind.startswith("own") and path in world.before.get(who, {}):
                then, now = world.before[who][path], fingerprint(response, ignore)
                if then != now:
                    diff = "\n".join(list(difflib.unified_diff(then.splitlines(), now.splitlines(), lineterm="", n=0))[2:12])
                    findings.append(f"GET {path} changed once county B had records:\n{diff}")
            if kind == "own" or (kind.startswith("own") and path == fill.targets.get(kind)):
                forms.setdefault(route.name, harvest(response))
    pks_before = all_pks()
    values_before = canary_values(world)
    # POST: empty and plausible (county B references) to every path
    for route in front_routes():
        fill = world.filler.fill(route)
        if fill.problem:
            continue
        for kind, path in fill.targets.items():
            for label, data in (("empty", {}), ("plausible", plausible(forms.get(route.name, {}), world))):
                response = client.post(path, data)
                findings.check(f"POST {label} {path}", response, world.canaries, shared_by_design(route, world))
                answers[(route.name, f"POST {label}", kind)] = (path, status_of(response))
                if "_auth_user_id" not in client.session:
                    findings.append(f"POST {label} {path} signed the user out")
                    client.force_login(user)
    # "not yours" answers like "missing"
    for (name, method, kind), (path, answer) in answers.items():
        if kind == "canary":
            missing_path, missing = answers.get((name, method, "missing"), (None, None))
            if missing is not None and answer != missing:
                findings.append(f"{method} {name}: {path} answers {answer}, a missing record {missing_path} {missing}")
    check_integrity(world, values_before, pks_before, findings)
    assert not findings, f"{len(findings)} leaks for {who}:\n" + "\n".join(findings)


# ------------------------------------------------------------------ admin

ADMIN_WRITES = ("_change", "_delete", "_simple_history", "_password_change")  # the admin pages that take a POST


def admin_routes():
    return [r for r in routes() if r.name.startswith("admin:") and r.name not in NOT_WALKED]


def admin_request(user):
    request = RequestFactory().get("/admin/")
    request.user = user
    return request


def test_admin_of_another_province_shows_nothing_of_hubei(world, client):
    user = world.users["other_province"]
    client.force_login(user)
    findings = Findings()
    canaries = world.canaries
    answers = {}
    for route in admin_routes():
        fill = world.admin_filler.fill(route)
        if fill.problem:
            findings.append(fill.problem)
            continue
        for kind, path in fill.targets.items():
            response = client.get(path)
            findings.check(f"GET {path}", response, canaries)
            answers[(route.name, "GET", kind)] = (path, status_of(response))
            if kind in ("canary", "missing") and route.name.endswith(ADMIN_WRITES):
                response = client.post(path, {})
                findings.check(f"POST {path}", response, canaries)
                answers[(route.name, "POST", kind)] = (path, status_of(response))
    for (name, method, kind), (path, answer) in answers.items():
        if kind == "canary":
            missing_path, missing = answers.get((name, method, "missing"), (None, None))
            if missing is not None and answer != missing:
                findings.append(f"{method} {name}: {path} answers {answer}, a missing record {missing_path} {missing}")
    pks_before = all_pks()
    values_before = canary_values(world)
    request = admin_request(user)
    terms = [CANARY_TAG, world.canary.credit_code, world.canary.id_number, CANARY_CONTRACT, CANARY_CERTIFICATE,
             world.h.county_b.code[:6]]
    for model, model_admin in admin.site._registry.items():
        info = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        changelist = client.get(info)
        findings.check(f"GET {info}", changelist, canaries)
        # every list filter the page offers, and searches for each canary
        for link in sorted(set(_filter_links(changelist))):
            findings.check(f"GET {info}{link}", client.get(info + link), canaries)
        for term in terms if model_admin.search_fields else ():
            findings.check(f"GET {info}?q={term}", client.get(info, {"q": term}), canaries, echoes(term))
        # add forms pre-filled with county B's records (raw-id labels, autocomplete initial values)
        for f in model._meta.get_fields():
            target = getattr(f, "related_model", None)
            if f.concrete and target in world.records["canary"] and (f.many_to_one or f.one_to_one or f.many_to_many):
                pk = world.h.county_b.pk if target is Region else world.records["canary"][target]
                response = client.get(f"{info}add/", {f.name: pk})
                findings.check(f"GET {info}add/?{f.name}={pk}", response, canaries)
                post = harvest(response) | {f.name: [str(pk)]}
                findings.check(f"POST {info}add/ {f.name}={pk}", client.post(f"{info}add/", post), canaries)
                for term in terms[:1]:
                    response = client.get("/admin/autocomplete/", {
                        "app_label": model._meta.app_label, "model_name": model._meta.model_name,
                        "field_name": f.name, "term": term})
                    findings.check(f"autocomplete {model._meta.label}.{f.name} {term}", response, canaries,
                                   echoes(term))
        # every action on county B's record
        canary_pk = world.records["canary"].get(model)
        if canary_pk is not None:
            for action in model_admin.get_actions(request):
                response = client.post(info, {"action": action, "_selected_action": [canary_pk], "index": 0})
                findings.check(f"action {action} on {model._meta.label} {canary_pk}", response, canaries)
                response = client.post(info, {"action": action, "_selected_action": [canary_pk], "index": 0,
                                              "post": "yes", "format": "0", "file_format": "0"})
                findings.check(f"action {action} (confirmed) on {model._meta.label} {canary_pk}", response, canaries)
    check_integrity(world, values_before, pks_before, findings)
    assert not findings, f"{len(findings)} leaks in the admin:\n" + "\n".join(findings)


def _filter_links(response):
    import re

    if response.status_code != 200:
        return []
    text = response.content.decode()
    return [link.replace("&amp;", "&") for link in re.findall(r'href="(\?[^"]*)"', text)]


def test_city_and_county_officials_have_no_admin(world, client):
    """Only provincial officials are staff: a city or county user reaching the admin is sent to its login."""
    for who in ("other_city", "county"):
        client.force_login(world.users[who])
        station_pk = world.records["canary"][Station]
        for page in ("/admin/", "/admin/stations/station/", f"/admin/stations/station/{station_pk}/change/"):
            response = client.get(page)
            assert response.status_code == 302 and "/admin/login/" in response["Location"], (who, page)


def test_walker_excuses_only_existing_routes_and_reports_the_ones_it_cannot_fill(world):
    names = {r.name for r in routes()}
    assert set(NOT_WALKED) <= names, set(NOT_WALKED) - names
    for unknown in (urls.path("things/<slug:thing>/", home_view, name="thing"), urls.re_path(r"^odd/(\d+)/$", home_view)):
        fill = world.filler.fill(Route(f"new:{unknown.name}", [unknown], home_view))
        assert "cannot fill" in fill.problem and not fill.targets
