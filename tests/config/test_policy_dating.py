"""A newer document moves no figure dated before it takes effect.

One county is governed by a county plan (as a pack, loaded with ``load_policies``). A newer plan
issued on 2027-03-01 brings a new coverage target and changes the qualification deadline, the
continuing-education hours and the payment period. Every figure dated before 2027-03-01 (the
coverage target and gap, a qualification deadline, an installment's due date, a training
shortfall) reads the same after the newer pack is loaded as before; the figures dated from then
use the new rules.
"""

import datetime
from decimal import Decimal
from io import StringIO

from django.core.management import call_command

from core.dates import add_working_days
from projects import services as project_services
from projects.models import InstallmentTrigger, PaymentInstallment
from stations.selectors.coverage import coverage_rows
from tests import builders
from tests.projects import builders as pb
from tests.workforce import builders as wb
from workforce.selectors import continuing_education_shortfall, qualification_deadlines

D = datetime.date
BEFORE = (D(2026, 12, 31), D(2027, 2, 28))
AFTER = D(2027, 6, 30)

OLD_PLAN = """
[document]
key = "JIANGAN-PLAN-2021"
title = "江岸区乡镇（街道）社工站建设实施方案"
issuer = "江岸区民政局"
number = "岸民发〔2021〕5号"
issued_on = 2021-01-15
region = "420102000000"

[[targets]]
metric = "township_coverage_pct"
value = 60
due_on = 2027-12-31
clause = "第二条"

[[rules]]
key = "qualification.deadline_years"
value = 2
clause = "第五条"

[[rules]]
key = "training.continuing_hours_per_year"
value = 60
clause = "第六条"

[[rules]]
key = "payment.due_within_working_days"
value = 15
clause = "第八条"
"""

NEW_PLAN = """
[document]
key = "JIANGAN-PLAN-2027"
title = "江岸区社工站提质增效实施方案"
issuer = "江岸区民政局"
number = "岸民发〔2027〕2号"
issued_on = 2027-03-01
region = "420102000000"

[[targets]]
metric = "township_coverage_pct"
value = 100
due_on = 2027-12-31
clause = "第一条"

[[rules]]
key = "qualification.deadline_years"
value = 3
clause = "第四条"

[[rules]]
key = "training.continuing_hours_per_year"
value = 40
clause = "第五条"

[[rules]]
key = "payment.due_within_working_days"
value = 10
clause = "第七条"
"""


def load(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    out = StringIO()
    call_command("load_policies", str(path), stdout=out)
    return out.getvalue()


def test_a_newer_document_moves_no_figure_dated_before_it_and_rules_the_later_ones(hierarchy, tmp_path, settings):
    settings.QUALIFICATION_WARNING_DAYS = 3650  # list every deadline, not only those due soon
    h = hierarchy
    root = builders.superuser()
    assert "新增 5" in load(tmp_path, "old.toml", OLD_PLAN)
    station = builders.station(h.a1, on=D(2022, 1, 1))
    hired_before = wb.person(station=station, name="早入职", start_on=D(2026, 6, 1))
    wb.train(hired_before, D(2026, 9, 1), 30)  # hired in June: 2026 asks for 7 months' share
    hired_after = wb.person(station=station, name="晚入职", start_on=D(2027, 4, 1))
    contract = pb.contract(h.county_a, pb.organisation(h.county_a), stations=[station],
                           starts_on=D(2027, 1, 4), signed_on=D(2026, 12, 28))
    project_services.installment_release(actor=root, contract=contract, trigger=InstallmentTrigger.MIDTERM_PASSED,
                                         on_date=D(2027, 2, 10))

    def figures(on_date):
        summary, _rows = coverage_rows(region=h.county_a, on_date=on_date)
        deadlines = {row.person.name: (row.deadline, row.citation)
                     for row in qualification_deadlines(user=root, on_date=on_date)}
        shortfall = [(row.person.name, row.required, row.short_by, row.citation) for row in
                     continuing_education_shortfall(user=root, year=on_date.year, on_date=on_date)]
        due = {i.trigger: i.due_on for i in PaymentInstallment.objects.filter(contract=contract)}
        return (summary.target.value, summary.target.citation, summary.gap_stations, deadlines, shortfall, due)

    before = {day: figures(day) for day in BEFORE}
    target, basis, gap, deadlines, shortfall, due = before[D(2026, 12, 31)]
    assert (target, gap) == (Decimal(60), 1)  # 60% of 3 townships is 2; one has a station
    assert basis == "依据：《江岸区乡镇（街道）社工站建设实施方案》（岸民发〔2021〕5号）第二条"
    assert deadlines["早入职"] == (D(2028, 6, 1), "依据：《江岸区乡镇（街道）社工站建设实施方案》（岸民发〔2021〕5号）第五条")
    assert shortfall == [("早入职", Decimal("35.0"), Decimal("5.0"),
                          "依据：《江岸区乡镇（街道）社工站建设实施方案》（岸民发〔2021〕5号）第六条")]
    assert due[InstallmentTrigger.MIDTERM_PASSED] == add_working_days(D(2027, 2, 10), 15)

    assert "新增 5" in load(tmp_path, "new.toml", NEW_PLAN)
    project_services.installment_release(actor=root, contract=contract, trigger=InstallmentTrigger.FINAL_PASSED,
                                         on_date=D(2027, 3, 15))
    wb.train(hired_after, D(2027, 5, 1), 10)
    after_loading = {day: figures(day) for day in BEFORE}
    for day in BEFORE:
        target, basis, gap, deadlines, shortfall, due = after_loading[day]
        assert (target, basis, gap, deadlines, shortfall) == before[day][:5], day
        assert due[InstallmentTrigger.MIDTERM_PASSED] == before[day][5][InstallmentTrigger.MIDTERM_PASSED]

    target, basis, gap, deadlines, shortfall, due = figures(AFTER)
    new = "依据：《江岸区社工站提质增效实施方案》（岸民发〔2027〕2号）"
    assert (target, basis, gap) == (Decimal(100), new + "第一条", 2)
    assert deadlines["早入职"] == before[D(2026, 12, 31)][3]["早入职"]  # hired under the old plan
    assert deadlines["晚入职"] == (D(2030, 4, 1), new + "第四条")
    assert {name: (required, citation) for name, required, _short, citation in shortfall} == {
        "早入职": (Decimal("40.0"), new + "第五条"), "晚入职": (Decimal("30.0"), new + "第五条")}
    assert due[InstallmentTrigger.FINAL_PASSED] == add_working_days(D(2027, 3, 15), 10)
    assert due[InstallmentTrigger.MIDTERM_PASSED] == add_working_days(D(2027, 2, 10), 15)
