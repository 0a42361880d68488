"""The write sweep: every URL that takes a POST, posted by every role that may not change the
record it names, must leave the database exactly as it was.

The target is always county B's record (the canary county of ``dataset.py``), in the state the
URL acts on. The POST is the one the record's owner would send: the owner (county B's staff,
station head or evaluator, or the superuser in the admin) opens the page, the sweep reads the
form as a browser would (inputs, selects, textareas with their current values), changes the
free-text fields so that a save would alter the row, adds small valid files (an .xlsx built from
the owner's own rows for an import, a PDF for evidence) and, for imports and admin actions,
posts the confirmation step too. ``test_the_owners_post_changes_the_database`` proves for each
URL that the owner's very POST does change the database (or says, in ``EXCUSED``, why it may
not), so the sweep cannot pass by posting forms that change nothing.

Each role then sends the same POSTs to county B's record and to a record that does not exist,
every one inside a savepoint that is rolled back afterwards; after each, every row of every
table of the product's apps (their history tables included), of two-factor sign-in (each user's
second-factor record and django-otp's devices and recovery codes), of auth (groups, permissions)
and of the admin's log is compared with the rows before. Any difference fails, naming the URL,
the role and the rows. A URL the sweep cannot fill, or whose owner's POST changes nothing without
an excuse, fails too: a new URL is swept or explicitly excused, never silently skipped.

The two-factor pages name no record: they act on the signed-in user's own second factor
(``OWN_ONLY``). Their owners are county B users (one with an app pending, one enrolled, who types
the app's code of the moment, computed from the device's key); a suspect's same POST may change
only the suspect's own second factor.
"""

from __future__ import annotations

import fnmatch
import inspect
import io
import re
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.cookies import SimpleCookie

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError, transaction
from django.test import Client, RequestFactory, override_settings
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from openpyxl import Workbook, load_workbook

from config.models import Notification, SecondFactor
from core.importing import ImportView
from core.models import Job
from stations.models import Region, Role, User
from stations.roles import ensure_role_groups
from tests import builders
from tests.projects import builders as pb
from tests.security import dataset
from tests.security.walker import (
    PRODUCT_APPS,
    DatabaseSnapshot,
    Filler,
    Route,
    page_forms,
    routes,
)
from tests.workforce import builders as wb
from workforce.views import EXPORTS

pytestmark = pytest.mark.django_db

CANARY_TAG = "金丝雀CANARY"
EDITED = "（改）"  # appended to the owner's free text: a save that goes through changes the row
PDF = dataset.PDF

# ------------------------------------------------------------------ what the database is

# Tables compared before and after each POST: the product's apps (with their simple_history
# tables), two-factor sign-in (``config``'s record of each user's second factor and its history,
# django-otp's authenticator-app devices, recovery-code devices and codes), auth (groups,
# permissions and their links; users live in ``stations``) and the admin's log.
SNAPSHOT_APPS = (*PRODUCT_APPS, "config", "core", "otp_totp", "otp_static", "auth", "admin")
# Apps with tables that are not compared, and why. An app missing from both lists fails the sweep.
NOT_SNAPSHOT = {
    "sessions": "every signed-in request may write its session (the idle-timeout clock, messages, an "
                "import's pending token); a session is the client's, not a record",
    "axes": "sign-in attempt logs: written by signing in, which the sweep does not do (force_login)",
    "contenttypes": "the model registry, written by migrations only",
}

# ------------------------------------------------------------------ who posts

# The roles that may change nothing of county B: (who, why they are a suspect).
SUSPECTS = {
    "county_a": "staff of the other county (county A)",
    "head_a": "head of a station of the other county",
    "evaluator_a": "member of the other county's evaluation organisation",
    "other_city": "staff of another city (宜昌市) of the same province",
    "city_of_b": "staff of county B's own city (武汉市): may record contract filings, load population figures, "
                 "start spot checks and correct station status records (ALLOWED), nothing else of a county's",
    "other_province": "provincial official of another province (甘肃省), staff in the admin",
    "no_role": "a signed-in user with no role or region",
}

# Who owns the record a URL acts on, when not county B's staff (site) or the superuser (admin).
OWNERS = {
    "stations:report-create": "head_b", "stations:report-edit": "head_b", "stations:report-submit": "head_b",
    "assessments:evaluation-score": "evaluator_b", "assessments:evaluation-submit": "evaluator_b",
    "assessments:score-import": "evaluator_b", "assessments:evidence-create": "evaluator_b",
    "workforce:person-detail": "root",  # showing the full ID number takes a permission granted to nobody by default
    # two-factor sign-in: county B's staff has an app pending (enrolment opened, not confirmed);
    # a second staff member of county B has bound one, and gives its code after the password
    "two-factor-verify": "enrolled_b_password_only", "two-factor-recovery-codes": "enrolled_b",
}

# Who signed in with the password only, though they have bound an app: the second factor is still
# owed this session. Everyone else who has bound one has given its code (``signed_in``).
PASSWORD_ONLY = {"enrolled_b_password_only"}

# The record a URL acts on, when not the first of county B's records of the URL's model:
# {route: [(label, {model label: attribute of the canary county's namespace})]}.
TARGETS = {
    "stations:report-edit": [("draft", {"stations.MonthlyReport": "canary.report_draft"})],
    "stations:report-submit": [("draft", {"stations.MonthlyReport": "canary.report_draft"})],
    "stations:report-approve": [("submitted", {"stations.MonthlyReport": "canary.report_submitted"})],
    "stations:report-return": [("submitted", {"stations.MonthlyReport": "canary.report_submitted"})],
    "stations:report-reopen": [("approved", {"stations.MonthlyReport": "canary.report_approved"})],
    "assessments:evaluation-score": [("draft", {"assessments.Evaluation": "canary.draft_evaluation"})],
    "assessments:evaluation-submit": [("draft", {"assessments.Evaluation": "canary.draft_evaluation"})],
    "assessments:score-import": [("draft", {"assessments.Evaluation": "canary.draft_evaluation"})],
    "assessments:evidence-create": [("draft", {"assessments.Evaluation": "canary.draft_evaluation"})],
    "assessments:evaluation-finalise": [("submitted", {"assessments.Evaluation": "canary.submitted_evaluation"})],
    "assessments:evaluation-return": [("submitted", {"assessments.Evaluation": "canary.submitted_evaluation"})],
    "projects:organisation-update": [
        ("contracted by county A", {"projects.Organisation": "canary.org"}),
        ("entered by county A", {"projects.Organisation": "canary.entered_org"})],
    "projects:organisation-delete": [("entered by county A", {"projects.Organisation": "canary.entered_org"})],
    # the last status record of county B's station (reopened after a suspension): a correction
    # moves its date, a void leaves the station as it was before it
    "stations:status-change-correct": [("", {"stations.StationStatusChange": "canary.status_reopened"})],
    "stations:status-change-void": [("", {"stations.StationStatusChange": "canary.status_reopened"})],
    # the admin: a record the owner may delete (no contracts)
    "admin:projects_organisation_delete": [("", {"projects.Organisation": "canary.entered_org"})],
    "admin:projects_organisation_changelist": [("", {"projects.Organisation": "canary.entered_org"})],
    "admin:assessments_evaluationtemplate_changelist": [
        ("draft", {"assessments.EvaluationTemplate": "h.draft_template"}),
        ("published", {"assessments.EvaluationTemplate": "h.midterm"})],
    # templates are edited in the admin while they are drafts
    "admin:assessments_evaluationtemplate_*": [("", {"assessments.EvaluationTemplate": "h.draft_template"})],
    "admin:assessments_dimension_*": [("", {"assessments.Dimension": "h.draft_dimension"})],
}

# Form fields the owner fills in (the form starts empty, or a value must differ to be a change):
# {route: {field: value or callable(world)}}.
FIELDS = {
    "stations:station-create": {"township": lambda w: w.h.b1.code, "name": "民族街街道社工站", "kind": "station",
                                "initial_status": "operating", "status_effective_on": "2025-03-01"},
    "stations:station-status": {"status": "suspended", "effective_on": "2025-06-01", "reason": "巡检暂停"},
    "stations:station-acceptance": {"checked_on": "2025-06-01", "notes": "巡检复验"},
    "stations:status-change-correct": {"effective_on": "2024-04-15", "reason": "巡检更正日期"},
    "stations:status-change-void": {"reason": "巡检作废"},
    "stations:report-create": {"period": "2025-06"},
    "stations:report-return": {"reason": "巡检退回"},
    "stations:report-reopen": {"reason": "巡检更正"},
    "projects:contract-create": {"number": "CANARY-HT-9002", "title": "金丝雀CANARY续签项目"},
    "projects:contract-not-renewable": {"reason": "巡检不续签"},
    # an organisation registered elsewhere (county A's own), named by its credit code and exact name
    "projects:organisation-add-known": {"credit_code": lambda w: w.own.org.credit_code,
                                        "name": lambda w: w.own.org.name},
    "projects:organisation-create": {"name": "金丝雀CANARY新机构", "credit_code": lambda w: pb.credit_code(
        "52420103MJC000027"), "region": lambda w: w.h.county_b.pk},
    "projects:payment-create": {"paid_on": "2025-06-01", "amount": "100.00", "reference": "巡检付款"},
    "projects:spending-set": {"year": "2023", "amount": "123456.00", "source": "巡检决算"},
    "projects:minimum-wage-set": {"year": "2023", "monthly_amount": "1800.00", "source": "巡检最低工资标准"},
    "workforce:person-create": {
        "name": "金丝雀CANARY新社工", "id_number": lambda w: wb.id_number("420103", "19920202", "456"), "gender": "F",
        "birth_date": "1992-02-02", "education": "4", "station": lambda w: w.canary.station.pk, "role": "resident",
        "start_on": "2025-03-01"},
    "workforce:employment-create": {"station": lambda w: w.canary.station.pk, "role": "project",
                                    "start_on": "2023-01-01", "end_on": "2023-12-31"},
    "workforce:employment-update": {"end_on": "2025-06-30"},
    "workforce:certificate-create": {"level": "2", "number": "CANARY-ZS-9002", "obtained_on": "2025-05-01"},
    "workforce:training-create": {"held_on": "2025-05-01", "kind": "continuing", "title": "巡检培训", "hours": "8"},
    "assessments:evaluation-create": {
        "template": lambda w: w.h.midterm.pk, "contract": lambda w: w.canary.old_contract.pk,
        "evaluator": lambda w: w.canary.evaluator_org.pk, "period_start": "2024-01-01", "period_end": "2024-06-30"},
    "assessments:evaluation-return": {"reason": "巡检退回"},
    "assessments:evidence-create": {"title": "巡检附件"},
    "admin:auth_user_password_change": {"password1": "Sweep-pass-9431x", "password2": "Sweep-pass-9431x"},
    # admin add forms: what the form needs (autocomplete fields are empty selects on the page)
    "admin:auth_group_add": {"name": "巡检组"},
    "admin:stations_target_add": {"region": lambda w: w.h.county_b.pk, "metric": "township_coverage_pct",
                                  "due_on": "2026-12-31", "value": "80", "unit": "percent",
                                  "document": lambda w: w.canary.policy_document.pk},
    "admin:stations_standardchecklist_add": {"province": lambda w: w.h.province.pk, "name": "巡检标准",
                                             "document": lambda w: w.h.province_document.pk},
    "admin:stations_holidaynotice_add": {"year": "2031", "title": "巡检节假日安排通知"},
    "admin:stations_policydocument_add": {"key": "SWEEP-DOC", "title": "巡检文件", "effective_from": "2025-01-01",
                                          "region": lambda w: w.h.county_b.pk},
    "admin:stations_region_add": {"code": "420103009000", "name": "巡检街道", "level": "township", "kind": "jiedao",
                                  "parent": lambda w: w.h.county_b.pk},
    "admin:stations_user_add": {"username": "sweep_new", "password1": "Sweep-pass-9431x",
                                "password2": "Sweep-pass-9431x", "role": "county", "region": lambda w: w.h.county_b.pk},
    "admin:stations_station_add": {"region": lambda w: w.h.b1.pk, "name": "巡检社工站", "kind": "station",
                                   "new_status": "operating", "status_effective_on": "2025-03-01",
                                   "status_reason": "巡检"},
    "admin:stations_stationacceptance_add": {"station": lambda w: w.canary.station.pk, "checked_on": "2025-06-01",
                                             "source": "巡检"},
    # one deadline, procurement policy per region: county B has its own, its city has none
    "admin:stations_reportdeadline_add": {"region": lambda w: w.h.city.pk, "day": "12", "note": "巡检依据"},
    "admin:projects_organisation_add": {"name": "巡检机构", "credit_code": lambda w: pb.credit_code("52420103MJC000037"),
                                        "region": lambda w: w.h.county_b.pk, "contact_name": "巡检联系人"},
    "admin:projects_organisationmember_add": {"user": lambda w: w.users["county_b"].pk,
                                              "organisation": lambda w: w.canary.evaluator_org.pk},
    "admin:projects_socialassistancespending_add": {"region": lambda w: w.h.county_b.pk, "year": "2022",
                                                    "amount": "1000.00", "source": "巡检决算"},
    "admin:projects_minimumwage_add": {"region": lambda w: w.h.county_b.pk, "year": "2022",
                                       "monthly_amount": "1000.00", "source": "巡检最低工资标准"},
    "admin:workforce_person_add": {"name": "巡检社工", "gender": "M", "birth_date": "1991-01-01",
                                   "id_number": lambda w: wb.id_number("420103", "19910101", "789"),
                                   "registered_region": lambda w: w.h.county_b.pk, "employments-TOTAL_FORMS": "1",
                                   "employments-0-station": lambda w: w.canary.station.pk,
                                   "employments-0-role": "resident", "employments-0-start_on": "2025-03-01"},
    "admin:workforce_employment_add": {"person": lambda w: w.canary.person.pk, "station": lambda w: w.canary.station.pk,
                                       "role": "project", "start_on": "2023-01-01", "end_on": "2023-12-31"},
    "admin:workforce_certificate_add": {"person": lambda w: w.canary.person.pk, "level": "2",
                                        "number": "CANARY-ZS-9003", "obtained_on": "2025-05-01"},
    "admin:workforce_trainingrecord_add": {"person": lambda w: w.canary.person.pk, "held_on": "2025-05-01",
                                           "kind": "continuing", "title": "巡检培训", "hours": "8"},
    "admin:workforce_stipendpolicy_add": {"document": lambda w: w.canary.workforce_document.pk,
                                          "region": lambda w: w.h.county_b.pk, "kind": "monthly_level", "level": "2",
                                          "amount": "200.00", "effective_from": "2025-01-01", "quote": "巡检补贴文件"},
    "admin:workforce_reportedfigure_add": {"region": lambda w: w.h.county_b.pk, "metric": "social_work_professionals",
                                           "year": "2023", "value": "9", "source": "巡检统计"},
    "admin:assessments_evaluationtemplate_add": {"province": lambda w: w.h.province.pk, "kind": "annual",
                                                 "name": "巡检年度模板"},
    "admin:assessments_dimension_add": {"template": lambda w: w.h.draft_template.pk, "name": "巡检维度", "weight": "10",
                                        "order": "9"},
}

# The page whose form the owner posts, when not the URL itself (or, for a POST-only URL, the
# page one level up): {route: callable(world) -> path}.
FORM_PAGES = {
    "stations:report-create": lambda w: "/stations/reports/",
    "projects:contract-create": lambda w: f"/projects/contracts/new/?renew={w.canary.contract.pk}",
    "projects:spending-set": lambda w: f"/projects/counties/{w.canary.county.code}/",
    "projects:minimum-wage-set": lambda w: f"/projects/counties/{w.canary.county.code}/",
}

# Files the owner attaches: {route: {field: callable(world) -> (name, bytes)}}. Imports get an
# .xlsx of the owner's own rows (``import_file``).
FILES = {
    "assessments:evidence-create": {"file": lambda w: ("巡检.pdf", PDF)},
}

# The authenticator app whose code the owner types (the code of the moment, computed from the
# device's key when the POST is sent): {route: callable(world) -> TOTPDevice}.
CODES = {
    "two-factor-enrol": lambda w: w.canary.pending_device,  # county B's staff confirms the app it is binding
    "two-factor-verify": lambda w: w.canary.totp_device,  # the enrolled staff member, after the password
}

# URLs not posted at all, and why.
NOT_SWEPT = {
    "login": "signing in writes the sign-in logs and the user's last_login, no record of a region",
    "admin:login": "signing in writes the sign-in logs and the user's last_login, no record of a region",
    "logout": "ends the suspect's own session",
    "admin:logout": "ends the suspect's own session",
    "set_language": "the session's language only",
    "password_change": "the signed-in user's own password, nobody else's",
    "admin:password_change": "the signed-in user's own password, nobody else's",
    "admin:password_change_done": "a static confirmation page",
    "admin:axes_*": "sign-in attempt logs (django-axes): not records of any region, and left out of the snapshot",
}

# Pages to read (function views, which take any method): posted with an empty body, their owner's
# POST changes nothing.
READ_PAGES = {
    "home": "a page to read; a POST shows it like a GET",
    "favicon": "the product's icon, a file to read: a POST is refused (405)",
    "healthz": "the load balancer's probe: answers GET and HEAD only (405), reads nothing",
    "readyz": "the load balancer's probe: answers GET and HEAD only (405), reads the database without writing",
    "audit-log": "a page to read; a POST shows it like a GET",
    "two-factor": "the signed-in user's own two-factor settings: a page to read; a POST shows it like a GET",
    "admin:index": "a page to read",
    "admin:app_list": "a page to read",
    "admin:": "redirects (an object's old URL to its change page; unknown admin URLs to the index)",
    "admin:view_on_site": "redirects to the record's page on the site",
    "admin:autocomplete": "answers GET only (405)",
    "admin:jsi18n": "the admin's JavaScript catalogue",
    **{f"admin:{m._meta.app_label}_{m._meta.model_name}_history": "the admin's change history of a record: a page "
       "to read" for m in admin.site._registry},
    **{f"jobs:{name}": "我的任务: the signed-in user's own jobs, pages and files to read: a POST is refused (405)"
       for name in ("list", "detail", "status", "download")},
    "notices:list": "the signed-in user's own reminders, a page to read: a POST is refused (405)",
}

# URLs that act only on the signed-in user's own second factor (devices, recovery codes and the
# record of them): they name no record, so there is no record of county B's to target. The owner
# (a county B user) proves the POST writes; a suspect's same POST may change the suspect's own
# second factor only (opening the enrolment page keeps an unconfirmed app for the one who opened
# it), and any other row that changes is a finding.
OWN_ONLY = {
    "two-factor-enrol": "binds an authenticator app to the signed-in user (config/two_factor/views.py enrol_view)",
    "two-factor-verify": "checks the signed-in user's own code (a recovery code is spent and recorded)",
    "two-factor-recovery-codes": "issues new recovery codes to the signed-in user",
}

# URLs (or "URL action") whose owner's POST changes nothing by design, and why. The suspects still
# post them; the owner's test fails if one of these does change the database (a stale excuse).
EXCUSED = {
    **READ_PAGES,
    "admin:*_changelist": "a list: a POST without an action changes nothing (no list_editable)",
    "admin:*_simple_history": "posting a past version is refused (403) to everyone, the superuser included: "
                              "reverting is off, and a posted form would bypass the services, the read-only admins "
                              "and the report lock (core/admin.py history_form_view)",
    # what the admin refuses its superuser too, by design
    **{f"admin:{name}_{view}": "read-only in the admin (ReadOnlyAdminMixin): written by the product's services, or "
       "a record of what happened" for name in ("stations_monthlyreport", "projects_payment",
                                                "projects_contractevaluation", "workforce_idnumberdisclosure",
                                                "assessments_evaluation") for view in ("add", "change", "delete")},
    **{f"admin:stations_adjustedday_{view}": "read-only in the admin (ReadOnlyAdminMixin): a day is kept on its "
       "notice's page" for view in ("add", "change", "delete")},
    "admin:projects_contract_add": "contracts are entered on the site (with their funding and schedule), not in "
                                   "the admin",
    "admin:stations_coveragesetting_add": "one setting per province (OneToOne) and Hubei has its own: a new one "
                                          "could only be another province's",
    "admin:stations_user_delete": "an account is deactivated, never deleted: its name stays on the change and "
                                  "sign-in records it left (UserAdmin.has_delete_permission is False: 403)",
    # two-factor sign-in in the admin: superusers read the devices and the records; nobody adds,
    # changes or deletes them there (SuperusersReadOnlyMixin, config/two_factor/admin.py). A user's
    # devices are removed by the audited reset action, which is swept.
    **{f"admin:{name}_{view}": "read-only in the admin for everyone (SuperusersReadOnlyMixin): a second factor "
       "is bound by its user and removed by the audited reset action" for name in (
           "otp_totp_totpdevice", "otp_static_staticdevice", "config_secondfactor") for view in ("add", "change",
                                                                                                  "delete")},
    **{f"admin:core_job_{view}": "read-only in the admin for everyone (SuperusersReadOnlyMixin): a job is started "
       "and finished by the product (core/jobs.py)" for view in ("add", "change", "delete")},
    **{f"admin:otp_totp_totpdevice_{view}": "the app's secret (configuration page, QR code) is shown to nobody "
       "(OTP_ADMIN_HIDE_SENSITIVE_DATA: 403)" for view in ("config", "qrcode")},
    **{key: "county B's record has records hanging on it (PROTECT, DependantsProtectedMixin): the owner's delete "
       "is refused too" for key in (
           "admin:stations_region_delete", "admin:stations_region_changelist action delete_selected",
           "admin:stations_station_delete", "admin:stations_station_changelist action delete_selected",
           "admin:projects_contract_delete", "admin:projects_contract_changelist action delete_selected",
           "admin:workforce_person_delete", "admin:workforce_person_changelist action delete_selected",
           "admin:stations_standardchecklist_delete",
           "admin:stations_standardchecklist_changelist action delete_selected",
           "admin:stations_policydocument_delete",
           "admin:stations_policydocument_changelist action delete_selected")},
    "admin:assessments_evaluationtemplate_changelist action new_version on draft":
        "a new version is made from a published template (the published one is swept)",
    "admin:assessments_evaluationtemplate_changelist action publish on published": "already published",
    "admin:assessments_evaluationtemplate_changelist action delete_selected on published":
        "a published template is not deleted (the draft one is swept)",
}

# The owner's POST is a server error on the current code (product bugs the sweep found, reported).
# Strict: the owner's test fails once the POST goes through, so that the entry is removed and the
# URL proven like the others.
BROKEN: dict[str, str] = {}

# The owner's POST changes the database though the URL should refuse it to everyone, the owner
# included (product bugs the sweep found, reported). Strict: the owner's test fails once the POST
# changes nothing, so that the entry is removed and the URL's excuse holds again.
KNOWN_OWNER_WRITES: dict[str, str] = {}

# Writes a suspect makes by design: {(URL or "URL action", suspect): why}.
ALLOWED = {
    ("notices:read-all", "county_a"):
        "marks the signed-in user's own reminders read: county A's staff member has one (config/notice_views.py)",
    ("stations:report-create", "head_a"):
        "opens a report for the head's own station: the POST names no station (stations/reports/views/entry.py)",
    ("projects:filing-update", "city_of_b"):
        "contracts are filed (备案) with the city: city staff record the filing (projects/permissions.py)",
    ("stations:region-population-import", "city_of_b"):
        "province, city and county staff load the population of the regions in their scope (stations/permissions.py)",
    **{(key, "city_of_b"): "county staff and the city and province above them correct or void a station's status "
       "records within their region, with a reason, audited (stations/permissions.py can_correct_status_change)"
       for key in ("stations:status-change-correct", "stations:status-change-void")},
    ("assessments:evaluation-create", "city_of_b"):
        "a city runs spot checks (抽查) of the counties in its city: the evaluation it starts of county B's contract "
        "is the city's own (initiating_region, assessments/permissions.py can_create_evaluation); it confirms or "
        "returns only its own spot checks",
}

# Findings on the current code that other branches are fixing (strict: the sweep fails when one
# no longer reproduces, so that whoever merges the fix removes its entry here).
KNOWN_WRITES: dict[tuple[str, str], str] = {}


def excuse_for(key: str, table: dict) -> str:
    """The entry for ``key``: its own, else the longest (most specific) pattern matching it."""
    if key in table:
        return table[key]
    for pattern in sorted((p for p in table if "*" in p), key=len, reverse=True):
        if fnmatch.fnmatchcase(key, pattern):
            return table[pattern]
    return ""


# ------------------------------------------------------------------ the world

@dataclass
class World:
    h: object
    own: object
    canary: object
    users: dict
    records: dict            # model -> pk: the default target of each model (county B's first record)
    history_ids: dict        # model -> history_id of the target's first stored version
    plans: list = field(default_factory=list)
    urls: int = 0            # URL patterns swept (the plans' routes)
    problems: list = field(default_factory=list)
    snapshot: DatabaseSnapshot | None = None


def first_new_pks(before: dict, after: dict) -> dict:
    return {m: min(after[m] - before[m]) for m in after if after[m] - before[m]}


def all_pks() -> dict:
    models = [m for m in apps.get_models() if m._meta.app_label in PRODUCT_APPS
              and not m.__name__.startswith("Historical")]
    return {m: set(m._default_manager.values_list("pk", flat=True)) for m in models}


def make_users(h, own, canary) -> dict:
    groups = ensure_role_groups()
    gansu = builders.user("gansu_official", Role.PROVINCE, h.other_province, is_staff=True)
    gansu.groups.add(groups[Role.PROVINCE])
    return {
        "county_b": canary.staff, "head_b": canary.head, "evaluator_b": canary.evaluator, "root": h.root,
        "enrolled_b": canary.enrolled, "enrolled_b_password_only": canary.enrolled,
        "county_a": own.staff, "head_a": own.head, "evaluator_a": own.evaluator,
        "other_city": builders.user("yichang", Role.CITY, h.other_city),
        "city_of_b": builders.user("wuhan", Role.CITY, h.city),
        "other_province": gansu,
        "no_role": builders.user("nobody"),
    }


def admin_records(world_records: dict, users: dict, h) -> dict:
    """The admin's targets: county B's records, county B itself and its staff user, a role group,
    and for province-wide models a Hubei record (one the other province's official may not see)."""
    records = dict(world_records)
    records[Region] = h.county_b.pk
    records[User] = users["county_b"].pk
    records[Group] = Group.objects.get(name=str(Role.COUNTY.label)).pk
    # county B's enrolled staff member's second factor (the admin's two-factor pages)
    canary = users["enrolled_b"]
    records[TOTPDevice] = TOTPDevice.objects.get(user=canary, confirmed=True).pk
    records[StaticDevice] = StaticDevice.objects.get(user=canary).pk
    records[SecondFactor] = SecondFactor.objects.get(user=canary).pk
    records.update(dataset.national_records())
    gansu = users["other_province"]
    for model in admin.site._registry:
        manager = model._default_manager
        if model not in records and hasattr(manager.all(), "visible_to"):
            hidden = manager.exclude(pk__in=manager.visible_to(gansu).values("pk")).order_by("pk")
            pk = hidden.values_list("pk", flat=True).first()
            if pk is not None:
                records[model] = pk
    return records


def history_ids(records: dict) -> dict:
    ids = {}
    for model, pk in records.items():
        history = getattr(model, "history", None)
        if history is not None:
            row = history.filter(**{model._meta.pk.attname: pk}).order_by("history_id").first()
            if row is not None:
                ids[model] = row.history_id
    return ids


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    with django_db_blocker.unblock(), override_settings(
            MEDIA_ROOT=tmp_path_factory.mktemp("media"),
            PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]), transaction.atomic():
        h = builders.build_hierarchy()
        dataset.build_shared(h)
        own = dataset.build_county_a(h)
        before = all_pks()
        canary = dataset.build_county(h, county=h.county_b, township_code="420103005", tag=CANARY_TAG,
                                      credit_body="52420103MJC000009", id_region="420103",
                                      contract_number="CANARY-HT-9001", certificate_number="CANARY-ZS-9001")
        records = first_new_pks(before, all_pks())
        dataset.build_write_targets(h, canary)
        dataset.build_second_factor(canary)
        ties = dataset.build_cross_county_ties(h, own, canary, credit_body="52420103MJC000017")
        canary.entered_org = ties.entered_org
        users = make_users(h, own, canary)
        records = admin_records(records, users, h)
        records[Job] = canary.job.pk  # county B's staff member's own export
        records[Notification] = canary.notice.pk  # county B's staff member's own reminder
        world = World(h, own, canary, users, records, history_ids(records))
        world.snapshot = snapshot_of_apps(world.problems)
        world.plans = build_plans(world)
        yield world
        transaction.set_rollback(True)


def snapshot_of_apps(problems) -> DatabaseSnapshot:
    labels = {m._meta.app_label for m in apps.get_models(include_auto_created=True)}
    unknown = labels - set(SNAPSHOT_APPS) - set(NOT_SNAPSHOT)
    if unknown:
        problems.append(f"apps {sorted(unknown)} have tables the sweep neither compares nor excuses: "
                        f"add them to SNAPSHOT_APPS or NOT_SNAPSHOT (with the reason)")
    return DatabaseSnapshot(SNAPSHOT_APPS)


# ------------------------------------------------------------------ plans: what to post where

@dataclass
class Plan:
    """The POSTs of one URL against one target: ``steps`` are sent in turn to the same path; a
    step is a body, or a function of the previous response giving a body (None: stop)."""

    route: str
    label: str
    owner: str
    path: str
    missing: str | None
    steps: list

    @property
    def key(self) -> str:
        return f"{self.route} {self.label}".strip()


def accepts_post(route: Route) -> bool:
    """A class-based view without ``post`` answers 405 to a POST; anything else may write."""
    view_class = getattr(route.callback, "view_class", None)
    return view_class is None or hasattr(view_class, "post")


def signed_in(world, who) -> Client:
    """A browser signed in as ``who``: one who has bound an authenticator app has given its code
    too (the session is verified with the device), unless ``who`` is in ``PASSWORD_ONLY``."""
    client = Client(raise_request_exception=False)
    user = world.users[who]
    client.force_login(user)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is not None and who not in PASSWORD_ONLY:
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


@contextmanager
def rolled_back():
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def build_plans(world) -> list[Plan]:
    """What to post where, from the owners' pages. Fills ``world.urls`` and ``world.problems``."""
    plans = []
    clients = {}
    for route in routes():
        if excuse_for(route.name, NOT_SWEPT) or not accepts_post(route):
            continue
        admin_route, planned = route.name.startswith("admin:"), len(plans)
        owner = OWNERS.get(route.name, "root" if admin_route else "county_b")
        if owner not in clients:
            clients[owner] = signed_in(world, owner)
        client = clients[owner]
        for label, overrides in excuse_for(route.name, TARGETS) or [("", {})]:
            records, filler = filler_for(world, overrides)
            fill = filler.fill(route)
            if fill.problem:
                world.problems.append(fill.problem)
                continue
            own = [path for kind, path in fill.targets.items() if kind.startswith("own")]
            if not own:
                world.problems.append(f"{route.name}: no path to county B's record; add a record to dataset.py")
                continue
            missing = fill.targets.get("missing")
            try:
                with rolled_back():
                    if route.name in READ_PAGES:  # no form to read
                        plans.append(Plan(route.name, label, owner, own[0], missing, [{}]))
                    elif admin_route:
                        plans.extend(admin_plans(world, client, route, label, owner, own[0], missing, records))
                    else:
                        plans.append(site_plan(world, client, route, label, owner, own[0], missing))
            except SweepProblem as problem:
                world.problems.append(f"{route.name}: {problem}")
        world.urls += len(plans) > planned
    return plans


def filler_for(world, overrides: dict) -> tuple[dict, Filler]:
    """The walker's path filler with county B's records ("own" paths) and a missing one, the
    ``TARGETS`` overrides applied."""
    records, versions = dict(world.records), dict(world.history_ids)
    for model_label, path in overrides.items():
        model = apps.get_model(model_label)
        records[model] = attribute(world, path).pk
        versions.update(history_ids({model: records[model]}))
    code = world.h.county_b.code
    return records, Filler({"own": records, "canary": records}, {"own": code, "canary": code, "missing": "429999000000"},
                           {"registry": list(EXPORTS)}, {"own": versions, "canary": {}},
                           {"own": world.canary.evidence.file.name})


class SweepProblem(Exception):
    pass


def the_form(world, client, route, path) -> tuple[dict, dict]:
    """The owner's form that posts to ``path``: its body and its controls' kinds."""
    pages = [FORM_PAGES[route.name](world)] if route.name in FORM_PAGES else [path, parent(path)]
    for page in pages:
        response = client.get(page)
        for form in page_forms(response):
            action = form.action or page
            if action.split("?")[0] == path or (not form.action and page.split("?")[0] == path):
                return form.data(), form.kinds()
    return {}, {}


def parent(path: str) -> str:
    return path.rstrip("/").rsplit("/", 1)[0] + "/"


CJK = re.compile(r"[\u4e00-\u9fff]")


def edited(data: dict, kinds: dict) -> dict:
    """The owner's free text changed, so that a save that goes through alters the row."""
    out = {}
    for name, values in data.items():
        if kinds.get(name) in ("text", "textarea") and not name.startswith("_"):
            values = [v + EDITED if CJK.search(v) else v for v in values]
        out[name] = values
    return out


def attribute(world, path: str):
    obj = world
    for name in path.split("."):
        obj = getattr(obj, name)
    return obj


def with_fields(world, route_name, data) -> dict:
    for name, value in FIELDS.get(route_name, {}).items():
        data[name] = [str(value(world) if callable(value) else value)]
    return data


def site_plan(world, client, route, label, owner, path, missing) -> Plan:
    view_class = getattr(route.callback, "view_class", None)
    data, kinds = the_form(world, client, route, path)
    body = with_fields(world, route.name, edited(data, kinds))
    files = {name: make(world) for name, make in FILES.get(route.name, {}).items()}
    if view_class is not None and issubclass(view_class, ImportView):
        files["file"] = import_file(world, client, route, view_class, owner, path)
        return Plan(route.name, label, owner, path, missing, [body | {"__files__": files}, confirm_import])
    if route.name in CODES:
        return Plan(route.name, label, owner, path, missing, [with_code(body, CODES[route.name](world))])
    return Plan(route.name, label, owner, path, missing, [body | ({"__files__": files} if files else {})])


def with_code(body: dict, device: TOTPDevice):
    """A step that types the app's code of the moment the POST is sent (codes last 30 seconds)."""
    return lambda _response: body | {"code": [dataset.totp_code(device)]}


def confirm_import(response):
    """An import's second step: confirm the preview with its token (none: the preview refused)."""
    match = re.search(rb'name="token" value="([0-9a-f]+)"', response.content or b"")
    return {"token": match.group(1).decode()} if match else None


# ------------------------------------------------------------------ import files

def import_file(world, client, route, view_class, owner, path) -> tuple[str, bytes]:
    """An .xlsx of county B's rows as the owner's resource exports them, free text changed."""
    if route.name == "assessments:score-import":
        sheet = client.get(path, {"template": "1"})
        book = load_workbook(io.BytesIO(b"".join(sheet.streaming_content) if sheet.streaming else sheet.content))
        return "评分表.xlsx", edited_workbook(book, {"评分说明", "备注"})
    resource_class = view_class.resource_class
    kwargs = {"user": world.users[owner]}
    if "full_ids" in inspect.signature(resource_class.__init__).parameters:
        kwargs["full_ids"] = True
    resource = resource_class(**kwargs)
    model = resource._meta.model
    rows = IMPORT_ROWS[route.name](world) if route.name in IMPORT_ROWS else canary_pks(world, model)
    queryset = model._default_manager.visible_to(world.users[owner]).filter(pk__in=rows)
    exported = resource.export(queryset=queryset)
    if not len(exported):
        raise SweepProblem(f"county B has no {model._meta.label} to import; add one to dataset.py")
    kept = {resource.fields[name].column_name
            for name in (*resource.get_import_id_fields(), *IMPORT_KEPT.get(route.name, ()))}
    free_text = {f.column_name for f in resource.get_import_fields()
                 if type(f.widget).__name__ in ("Widget", "CharWidget") and not f.readonly
                 and f.column_name not in kept}
    book = Workbook()
    sheet = book.active
    sheet.append(list(exported.headers))
    for row in exported:
        sheet.append([str(v) if v is not None else None for v in row])
    cells = {resource.fields[name].column_name: change for name, change in IMPORT_CELLS.get(route.name, {}).items()}
    return f"{model._meta.model_name}.xlsx", edited_workbook(book, free_text, cells)


def bump(value):
    return str(int(float(value or 0)) + 1)


# Cells the owner changes where an import has no free text to change (or must fill a column):
# {route: {resource field: callable(old value) -> new value}}.
IMPORT_CELLS = {
    "stations:region-population-import": {"population": lambda old: str(int(old or 0) + 1000)},
    "stations:report-import": {"received_on": lambda old: "2025-04-05"},
    "stations:report-line-import": {"person_times": bump},
    "workforce:employment-import": {"end_on": lambda old: "2025-12-31"},
    "workforce:certificate-import": {"obtained_on": lambda old: "2024-07-02"},
    "workforce:training-import": {"hours": bump},
}
# Free-text columns the owner keeps as they are, and why: {route: resource fields}.
IMPORT_KEPT = {
    # a re-import row updates the person only under the ID number's registered holder's exact name
    # (workforce/resources.py PersonResource.validate_instance); another name is refused
    "workforce:person-import": ("name",),
}
# The rows an import file holds, when not all of county B's rows of the resource's model (an
# approved report may not be re-imported): {route: callable(world) -> pks}.
IMPORT_ROWS = {
    "stations:report-import": lambda w: [w.canary.report_draft.pk],
    "stations:report-line-import": lambda w: list(w.canary.report_draft.lines.values_list("pk", flat=True)),
}


def edited_workbook(book, columns, cells=None) -> bytes:
    sheet = book.active
    headers = [c.value for c in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        for header, cell in zip(headers, row, strict=False):
            if header in (cells or {}):
                cell.value = cells[header](cell.value)
            elif header in columns and isinstance(cell.value, str) and CJK.search(cell.value):
                cell.value += EDITED
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def canary_pks(world, model) -> set:
    """County B's rows of a model: those of county B's staff's scope (stations, reports, people ...)."""
    return set(model._default_manager.visible_to(world.users["county_b"]).values_list("pk", flat=True))


# ------------------------------------------------------------------ admin plans

def admin_plans(world, client, route, label, owner, path, missing, records) -> list[Plan]:
    name = route.name
    if name.endswith("_changelist"):
        return changelist_plans(world, client, route, label, owner, path, records)
    data, kinds = the_form(world, client, route, path)
    body = with_fields(world, name, edited(data, kinds))
    return [Plan(name, label, owner, path, missing, [body])]


def changelist_plans(world, client, route, label, owner, path, records) -> list[Plan]:
    """A plain POST (once per list), and each action the owner may take on the target record (with
    its confirmation page's form, when the action asks for one)."""
    model = admin_model_of(route)
    first_target = label == (excuse_for(route.name, TARGETS) or [("", {})])[0][0]
    plans = [Plan(route.name, "", owner, path, None, [{}])] if first_target else []
    pk = records.get(model)
    if pk is None:
        return plans
    request = RequestFactory().get(path)
    request.user = world.users[owner]
    for action in admin.site._registry[model].get_actions(request):
        first = {"action": [action], "_selected_action": [str(pk)], "index": ["0"], "select_across": ["0"]}
        steps = [first]
        response = client.post(path, first)
        for form in page_forms(response):
            data = form.data()
            if "post" in data:
                steps.append(data)
        plans.append(Plan(route.name, f"action {action}" + (f" on {label}" if label else ""), owner, path, None, steps))
    return plans


def admin_model_of(route):
    for model in admin.site._registry:
        if route.name.startswith(f"admin:{model._meta.app_label}_{model._meta.model_name}_"):
            return model
    return None


# ------------------------------------------------------------------ posting

def materialised(body: dict) -> dict:
    body = dict(body)
    files = body.pop("__files__", {})
    for name, (filename, content) in files.items():
        body[name] = SimpleUploadedFile(filename, content)
    return body


@dataclass
class Outcome:
    changes: list
    statuses: list
    said: list  # the form errors and messages of the last answer
    error: str = ""


ERRORS = re.compile(r'<(ul|div|p) class="(?:errorlist[^"]*|messages|error|errornote)"[^>]*>(.*?)</\1>', re.S)


def what_it_said(response) -> list[str]:
    if response is None or response.streaming or "html" not in response.get("Content-Type", ""):
        return []
    text = " ".join(m[1] for m in ERRORS.findall(response.content.decode("utf-8", "replace")))
    return [t for t in (re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", text)).strip(),) if t]


def post_plan(world, client, plan: Plan, path: str, baseline: dict, own: int | None = None) -> Outcome:
    """The plan's steps, posted to ``path`` inside a savepoint rolled back afterwards, and the rows
    they changed compared with ``baseline`` (but for the second factor of user ``own``, when
    given). The client's cookies are put back too: a POST that cycled the session key (a password
    change does) would otherwise leave the client holding a session the rollback removed."""
    statuses, cookies, response, after, error = [], {k: m.value for k, m in client.cookies.items()}, None, None, ""
    with rolled_back():
        for step in plan.steps:
            body = step(response) if callable(step) else step
            if body is None:
                break
            response = client.post(path, materialised(body))
            statuses.append(response.status_code)
        try:
            after = world.snapshot.take()
        except DatabaseError as exc:  # a server error left the transaction unusable
            error = f"the database failed after the POST: {exc}"
    client.cookies = SimpleCookie(cookies)
    ignore = None if own is None or after is None else own_second_factor(world.snapshot, own, baseline, after)
    changes = world.snapshot.changes(baseline, after, ignore=ignore) if after is not None else []
    return Outcome(changes, statuses, what_it_said(response), error)


SECOND_FACTOR_TABLES = {"config.SecondFactor", "config.HistoricalSecondFactor", "otp_totp.TOTPDevice",
                        "otp_static.StaticDevice", "otp_static.StaticToken"}


def own_second_factor(snapshot: DatabaseSnapshot, user_pk: int, before: dict, after: dict):
    """Whether a row is part of user ``user_pk``'s own second factor: their devices, their
    recovery codes (by device), their record and its history."""
    label = StaticDevice._meta.label
    user_at = next(names for table, names, _sql in snapshot.tables if table == label).index("user")
    devices = {pk for rows in (before[label], after[label]) for pk, row in rows.items() if row[user_at] == user_pk}

    def mine(label, names, row) -> bool:
        if label not in SECOND_FACTOR_TABLES:
            return False
        if "user" in names:
            return row[names.index("user")] == user_pk
        return label == StaticToken._meta.label and row[names.index("device")] in devices

    return mine


def short(lines, width=300) -> str:
    return "\n      ".join(line if len(line) <= width else line[:width] + "…" for line in lines)


# ------------------------------------------------------------------ the tests

def test_the_sweep_knows_every_url(world):
    """Every URL is swept or excused, every excuse names a URL that exists."""
    names = {r.name for r in routes() if r.name} | {plan.key for plan in world.plans}
    stale = [p for table in (NOT_SWEPT, EXCUSED, OWN_ONLY, OWNERS, TARGETS, FIELDS, FORM_PAGES, FILES, CODES, BROKEN,
                             KNOWN_OWNER_WRITES, IMPORT_CELLS, IMPORT_ROWS, IMPORT_KEPT)
             for p in table if not any(n == p or fnmatch.fnmatchcase(n, p) for n in names)]
    stale += [f"{key}" for table in (ALLOWED, KNOWN_WRITES) for key in table
              if key[0] not in names or key[1] not in SUSPECTS]
    assert not world.problems and not stale, "\n".join(world.problems + [f"stale entry: {p}" for p in stale])


def test_the_owners_post_changes_the_database(world):
    """The sweep is not vacuous: the owner's own POST of each URL changes the database (unless
    excused), and the same POST to a record that does not exist changes nothing."""
    failures, counted = [], 0
    clients = {owner: signed_in(world, owner) for owner in {plan.owner for plan in world.plans}}
    baseline = world.snapshot.take()
    for plan in world.plans:
        client = clients[plan.owner]
        outcome = post_plan(world, client, plan, plan.path, baseline)
        counted += 1
        excuse = excuse_for(plan.key, EXCUSED)
        if plan.key in KNOWN_OWNER_WRITES:
            if not outcome.changes:
                failures.append(f"{plan.key} is listed in KNOWN_OWNER_WRITES ({KNOWN_OWNER_WRITES[plan.key]}) but the "
                                f"owner's POST answers {outcome.statuses} and changes nothing: remove the entry")
        elif plan.key in BROKEN:
            if 500 not in outcome.statuses:
                failures.append(f"{plan.key} is listed in BROKEN ({BROKEN[plan.key]}) but the owner's POST answers "
                                f"{outcome.statuses}: remove the entry")
        elif outcome.error:
            failures.append(f"{plan.key} as {plan.owner}: {outcome.error}")
        elif excuse and outcome.changes:
            failures.append(f"{plan.key} is excused ({excuse}) but the owner's POST {plan.path} changed:\n      "
                            + short(outcome.changes))
        elif not excuse and not outcome.changes:
            failures.append(f"{plan.key}: the owner's ({plan.owner}) POST {plan.path} changed nothing "
                            f"(answers {outcome.statuses} {outcome.said}); teach the sweep how to post it, or excuse it")
        if plan.missing:
            outcome = post_plan(world, client, plan, plan.missing, baseline)
            counted += 1
            if outcome.changes:
                failures.append(f"{plan.key} as {plan.owner}: POST {plan.missing} (no such record) changed:\n      "
                                + short(outcome.changes))
    print(f"write sweep, owners: {counted} POSTs ({world.urls} URLs, {len(world.plans)} URL plans)")
    assert not failures, f"{len(failures)} of {counted} owner POSTs:\n" + "\n".join(failures)


@pytest.mark.parametrize("suspect", list(SUSPECTS))
def test_write_sweep(world, suspect):
    """The suspect's POSTs of every URL, to county B's record and to a missing one, change nothing
    (but for ALLOWED writes, and KNOWN_WRITES, which must still reproduce)."""
    client = signed_in(world, suspect)
    baseline = world.snapshot.take()
    started = time.monotonic()
    findings, reproduced, allowed, posts = [], set(), set(), 0
    own = world.users[suspect].pk
    for plan in world.plans:
        for path in filter(None, (plan.path, plan.missing)):
            outcome = post_plan(world, client, plan, path, baseline, own=own if plan.route in OWN_ONLY else None)
            posts += 1
            if 500 in outcome.statuses or outcome.error:
                findings.append(f"POST {path} ({plan.key}) as {suspect}: server error {outcome.error}")
            key = (plan.key, suspect)
            if path == plan.path and key in ALLOWED and outcome.changes:
                allowed.add(key)
            if not outcome.changes or (path == plan.path and key in ALLOWED):
                continue
            if path == plan.path and key in KNOWN_WRITES:
                reproduced.add(key)
                continue
            findings.append(f"POST {path} ({plan.key}) as {suspect} [{SUSPECTS[suspect]}] changed:\n      "
                            + short(outcome.changes))
    for key, reason in KNOWN_WRITES.items():
        if key[1] == suspect and key not in reproduced:
            findings.append(f"known write {key} ({reason}) no longer reproduces: remove it from KNOWN_WRITES")
    for key, reason in ALLOWED.items():
        if key[1] == suspect and key not in allowed:
            findings.append(f"allowed write {key} ({reason}) no longer happens: remove it from ALLOWED")
    summary = (f"write sweep as {suspect}: {posts} POSTs ({world.urls} URLs, {len(world.plans)} URL plans × county "
               f"B's record and a missing one) in {time.monotonic() - started:.1f}s; allowed writes made: "
               f"{sorted(allowed)}; known writes reproduced: {sorted(reproduced)}")
    print(summary)
    assert not findings, summary + "\n" + "\n".join(findings)
