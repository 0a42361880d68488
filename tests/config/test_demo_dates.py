"""The demo (``make run``) is built relative to the day it is run and lies wholly in its past: no
report submitted or reviewed, evaluation held, payment made, filing recorded, training held or
status changed after that day."""

import datetime
from types import SimpleNamespace

import pytest
import time_machine
from django.apps import apps
from django.core.management import call_command
from django.db import connection, models
from django.utils import timezone

from assessments.models import Evaluation, EvaluationStatus
from projects.models import ContractEvaluation
from stations import demo as stations_demo
from stations.models import MonthlyReport, ReportStatus, User
from tests.stations.report_builders import at

# Dates that are plans, not facts: a contract's term runs on past today.
PLANNED = {("projects.Contract", "ends_on"), ("projects.HistoricalContract", "ends_on")}


@pytest.fixture
def only_yichang(monkeypatch):
    """The demo's stations in 宜昌市 only (the demo counties are there): the rest of the province's
    stations are dated by the same code and only make the test slow."""
    seed_station = stations_demo._seed_station
    monkeypatch.setattr(stations_demo, "_seed_station",
                        lambda township, actor: seed_station(township, actor)
                        if township.code.startswith(stations_demo.CITY[:4]) else None)


def facts_after(today: datetime.date, now: datetime.datetime) -> dict[str, list]:
    """Per model field, the values later than today (dates) or now (times)."""
    found = {}
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if (model._meta.label, field.name) in PLANNED:
                continue
            if isinstance(field, models.DateTimeField):
                bound = now
            elif isinstance(field, models.DateField):
                bound = today
            else:
                continue
            later = list(model._default_manager.filter(**{f"{field.name}__gt": bound})
                         .values_list(field.name, flat=True))
            if later:
                found[f"{model._meta.label}.{field.name}"] = later
    return found


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor == "postgresql", reason=(
    "the demo is seeded inside the test's transaction, where PostgreSQL plans from statistics taken "
    "while the tables were empty; see tests/test_summaries.py"))
@pytest.mark.parametrize("moment", [at(2026, 12, 2), at(2027, 3, 15), at(2027, 1, 1, 9)],
                         ids=["2-december", "mid-march", "new-years-morning"])
def test_the_demo_lies_wholly_before_the_day_it_is_built(moment, only_yichang):
    with time_machine.travel(moment, tick=False):
        today, now = timezone.localdate(), timezone.now()
        # rows the migrations wrote (the holiday calendar) carry the machine's own clock
        before = facts_after(today, now)
        call_command("seed_demo", stdout=SimpleNamespace(write=lambda text: None))
        after = facts_after(today, now)
        assert {key: values[:3] for key, values in after.items() if values != before.get(key)} == {}
        reports = MonthlyReport.objects.all()
        assert reports.exists()
        for report in reports.exclude(status=ReportStatus.DRAFT):
            # a month is submitted only after it has ended
            assert timezone.localtime(report.first_submitted_at).date() > report.period, report
        # the contracts' results are the evaluations the chain workbook reads, one for one
        results = {(r.reference, r.contract_id, r.evaluated_on) for r in ContractEvaluation.objects.all()}
        contract_evaluations = Evaluation.objects.filter(status=EvaluationStatus.FINALISED, contract__isnull=False)
        assert results and results == {(e.reference, e.contract_id, e.finalised_on) for e in contract_evaluations}
        # the demo still shows every state a county meets, once there has been time since the month opened
        if moment.day > 1:
            assert set(reports.values_list("status", flat=True)) == set(ReportStatus.values)
            head = User.objects.get(username="mingfeng_zhan")
            last_month = reports.filter(station=head.station).exclude(status=ReportStatus.DRAFT).latest("period")
            assert last_month.status == ReportStatus.RETURNED
