"""A synthetic national dataset at the real sizes (31 provinces, ~41,000 townships, ~38,000
stations, ~120,000 social workers, five years of monthly reports), for benchmarks.

Deterministic for a seed and a month: every step draws from its own seeded generator. Rows get
their ids here, so children are written without reading their parents back; on PostgreSQL they go
in with COPY, elsewhere through ``bulk_create`` in large batches. History tables
(django-simple-history) are left empty for generated rows.
"""

from __future__ import annotations

import datetime
import io
import json
import random
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import islice

from django.core.management.color import no_style
from django.db import connection
from django.utils import timezone

from assessments.models import Dimension, Evaluation, EvaluationTemplate, Indicator, Score
from projects.models import (
    Contract,
    ContractEvaluation,
    FundingLine,
    Organisation,
    Payment,
    PaymentInstallment,
)
from projects.validators import credit_code_check_character
from projects.workdays import add_working_days
from stations import divisions
from stations.models import (
    MonthlyReport,
    MonthlyReportLine,
    Region,
    RegionLevel,
    ServiceDomain,
    Station,
    StationStatusChange,
    Target,
    TargetGroup,
)
from stations.models.reports import month_end, month_start, next_month
from stations.services.coverage_periods import refresh_coverage_periods
from workforce.models import Certificate, Employment, Person, TrainingRecord
from workforce.placement import refresh_placements
from workforce.validators import id_check_character

# Real totals (2023): 31 provincial units, 333 prefecture-level, 2,844 county-level, ~38,600 township-level.
SIZES = {"provinces": 31, "cities": 333, "counties": 2850, "townships": 41000}
STATION_SHARE = 0.927  # ~38,000 township stations
PEOPLE_PER_STATION = 3.16  # ~120,000 people
MONTHS = 60
PROVINCES = [
    ("11", "北京市"), ("12", "天津市"), ("13", "河北省"), ("14", "山西省"), ("15", "内蒙古自治区"),
    ("21", "辽宁省"), ("22", "吉林省"), ("23", "黑龙江省"), ("31", "上海市"), ("32", "江苏省"),
    ("33", "浙江省"), ("34", "安徽省"), ("35", "福建省"), ("36", "江西省"), ("37", "山东省"),
    ("41", "河南省"), ("42", "湖北省"), ("43", "湖南省"), ("44", "广东省"), ("45", "广西壮族自治区"),
    ("46", "海南省"), ("50", "重庆市"), ("51", "四川省"), ("52", "贵州省"), ("53", "云南省"),
    ("54", "西藏自治区"), ("61", "陕西省"), ("62", "甘肃省"), ("63", "青海省"), ("64", "宁夏回族自治区"),
    ("65", "新疆维吾尔自治区"),
]
SYLLABLES = "安宝昌德东丰福高广和华黄嘉江金康乐临龙平清仁山善石顺泰天通文西祥新兴阳永玉长中"
SURNAMES = "王李张刘陈杨黄赵周吴徐孙马胡朱郭何罗高林郑梁谢宋唐许韩冯邓曹彭曾"
GIVEN = "芳敏静丽强磊军洋勇艳杰娟涛明超秀英华平刚桂兰霞婷伟丹鹏雪琳"
LINE_COMBOS = [(d, g) for d in ServiceDomain.values for g in TargetGroup.values]
TRAININGS = [("pre_service", "新入职社工岗前培训"), ("continuing", "社会工作实务继续教育"),
             ("supervision", "个案督导"), ("exam_prep", "职业水平考试考前辅导"), ("practice", "社会救助实务实习")]
UTC = datetime.UTC


@dataclass
class Plan:
    scale: float = 1.0
    seed: int = 2026
    today: datetime.date = field(default_factory=timezone.localdate)

    def count(self, key: str, at_least: int = 1) -> int:
        return max(at_least, round(SIZES[key] * self.scale))

    @property
    def last_period(self) -> datetime.date:
        return month_start(month_start(self.today) - datetime.timedelta(days=1))

    @property
    def first_period(self) -> datetime.date:
        period = self.last_period
        return datetime.date(period.year - (MONTHS - 1) // 12 - (period.month <= (MONTHS - 1) % 12),
                             (period.month - 1 - (MONTHS - 1) % 12) % 12 + 1, 1)

    def rng(self, step: str) -> random.Random:
        return random.Random(f"{self.seed}:{step}")


def spread(total: int, parents: int, rng: random.Random, cap: int) -> list[int]:
    """``total`` children over ``parents`` parents, each at least 1 and at most ``cap``, unevenly."""
    weights = [rng.uniform(0.4, 1.6) for _ in range(parents)]
    scale = total / sum(weights)
    counts = [min(cap, max(1, int(w * scale))) for w in weights]
    index = 0
    while sum(counts) < min(total, cap * parents):
        if counts[index % parents] < cap:
            counts[index % parents] += 1
        index += 7
    return counts


def place_name(rng: random.Random, length: int = 2) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(length))


def synthetic_rows(plan: Plan) -> list[divisions.DivisionRow]:
    """The division tree, at the real sizes times ``plan.scale``."""
    rng = plan.rng("regions")
    provinces = PROVINCES[: min(len(PROVINCES), plan.count("provinces"))]
    cities = spread(plan.count("cities", len(provinces)), len(provinces), rng, 99)
    counties = spread(plan.count("counties", sum(cities)), sum(cities), rng, 99)
    townships = spread(plan.count("townships", sum(counties)), sum(counties), rng, 999)
    rows: list[divisions.DivisionRow] = []

    def add(code: str, name: str, level: str, parent: str):
        rows.append(divisions.DivisionRow(len(rows) + 2, code.ljust(12, "0"), name, level, parent.ljust(12, "0")
                                          if parent else ""))

    city_counts, county_counts, township_counts = iter(cities), iter(counties), iter(townships)
    for province, province_name in provinces:
        add(province, province_name, RegionLevel.PROVINCE, "")
        for c in range(1, next(city_counts) + 1):
            city = f"{province}{c:02d}"
            add(city, f"{place_name(rng)}市", RegionLevel.CITY, province)
            for k in range(1, next(county_counts) + 1):
                county = f"{city}{k:02d}"
                add(county, f"{place_name(rng)}{'区' if k % 4 == 1 else '县'}", RegionLevel.COUNTY, city)
                for t in range(1, next(township_counts) + 1):
                    draw = rng.random()
                    suffix = "镇" if draw < 0.5 else "乡" if draw < 0.75 else "街道" if draw < 0.96 else "开发区"
                    add(f"{county}{t:03d}", f"{place_name(rng)}{suffix}", RegionLevel.TOWNSHIP, county)
    return rows


class Writer:
    """Inserts rows (tuples in ``fields`` order, ids included): COPY on PostgreSQL, else bulk_create."""

    CHUNK = 100_000

    def __init__(self):
        self.copy = connection.vendor == "postgresql"
        self.models = []

    def insert(self, model, fields: list[str], rows: Iterable[tuple]) -> int:
        self.models.append(model)
        rows = iter(rows)
        total = 0
        while chunk := list(islice(rows, self.CHUNK)):
            total += len(chunk)
            if self.copy:
                self._copy(model, fields, chunk)
            else:
                model.objects.bulk_create([model(**dict(zip(fields, row, strict=True))) for row in chunk],
                                          batch_size=2000)
        return total

    def _copy(self, model, fields, chunk):
        columns = ", ".join(connection.ops.quote_name(model._meta.get_field(f).column) for f in fields)
        buffer = io.StringIO()
        buffer.writelines("\t".join(map(_copy_text, row)) + "\n" for row in chunk)
        buffer.seek(0)
        with connection.cursor() as cursor:
            cursor.cursor.copy_expert(f"COPY {model._meta.db_table} ({columns}) FROM STDIN", buffer)

    def finish(self):
        """Move the id sequences past the ids given here; refresh the planner's statistics."""
        with connection.cursor() as cursor:
            for statement in connection.ops.sequence_reset_sql(no_style(), self.models):
                cursor.execute(statement)
            if self.copy:
                cursor.execute("ANALYZE")


def _copy_text(value) -> str:
    if value is None:
        return r"\N"
    if value is True or value is False:
        return "t" if value else "f"
    if isinstance(value, (list, dict)):
        value = json.dumps(value, ensure_ascii=False)
    if isinstance(value, str):
        return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    return str(value)


def at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def months(first: datetime.date, last: datetime.date) -> Iterator[datetime.date]:
    period = first
    while period <= last:
        yield period
        period = next_month(period)


class Generator:
    def __init__(self, plan: Plan, stdout=None):
        self.plan = plan
        self.stdout = stdout
        self.writer = Writer()
        self.counts: dict[str, int] = {}
        self.now = at(plan.today)

    def log(self, label: str, started: float, count: int | None = None):
        if self.stdout is not None:
            tail = f"  {count:>10,}" if count is not None else ""
            print(f"{label:<34} {time.perf_counter() - started:7.1f} s{tail}", file=self.stdout)

    def run(self) -> dict[str, int]:
        for step in (self.regions, self.stations, self.targets, self.organisations, self.people,
                     self.reports, self.evaluations, self.summaries):
            started = time.perf_counter()
            step()
            self.log(step.__name__, started)
        started = time.perf_counter()
        self.writer.finish()
        self.log("sequences + ANALYZE", started)
        return self.counts

    def note(self, key: str, count: int):
        self.counts[key] = self.counts.get(key, 0) + count

    # -- divisions --------------------------------------------------------------------------
    def regions(self):
        rows = synthetic_rows(self.plan)
        divisions.load(rows)
        for row in rows:
            self.note(row.level, 1)
        self.region_ids = dict(Region.objects.values_list("code", "pk"))
        self.townships = list(Region.objects.filter(level=RegionLevel.TOWNSHIP).order_by("code")
                              .values_list("pk", "code", "name", "kind"))
        self.counties = list(Region.objects.filter(level=RegionLevel.COUNTY).order_by("code")
                             .values_list("pk", "code", "name"))
        rng = self.plan.rng("population")
        Region.objects.bulk_update([Region(pk=pk, population=rng.randint(150_000, 1_500_000))
                                    for pk, _code, _name in self.counties], ["population"], batch_size=2000)

    # -- stations and status histories ------------------------------------------------------
    def stations(self):
        rng = self.plan.rng("stations")
        today = self.plan.today
        stations, changes = [], []
        self.station_life = {}  # station id → (county code, covering from, covering until or None)
        change_id = 0
        for township_id, code, name, _kind in self.townships:
            if rng.random() > STATION_SHARE:
                continue
            station_id = len(stations) + 1
            planned = rng.random() < 0.03
            opened = None if planned else today - datetime.timedelta(days=rng.randint(90, 365 * 6 + 180))
            stations.append((station_id, township_id, f"{name}社会工作服务站", "station",
                             f"{name}人民政府院内", Decimal(rng.randint(60, 400)),
                             rng.choice(("party_centre", "convenience_centre", "civil_affairs", "standalone")),
                             opened, f"{rng.choice(SURNAMES)}{rng.choice(GIVEN)}", f"1{rng.randint(3, 9)}{rng.randint(0, 10**9 - 1):09d}",
                             self.now, self.now))
            history = [("planned", (opened or today) - datetime.timedelta(days=rng.randint(60, 200)))]
            until = None
            if opened:
                history.append(("pilot", opened))
                operating = opened + datetime.timedelta(days=rng.randint(90, 365))
                if operating < today:
                    history.append(("operating", operating))
                    draw = rng.random()
                    if draw < 0.05:
                        stop = operating + datetime.timedelta(days=rng.randint(30, 900))
                        if stop < today:
                            until = stop
                            history.append(("suspended" if draw < 0.04 else "closed", stop))
                self.station_life[station_id] = (code[:6], opened, until)
            for status, day in history:
                change_id += 1
                changes.append((change_id, station_id, status, day, "", at(day)))
        centres, self.centres = [], {}
        for county_id, code, name in self.counties:
            if rng.random() < 0.4:
                station_id = len(stations) + len(centres) + 1
                opened = today - datetime.timedelta(days=rng.randint(365, 365 * 5))
                centres.append((station_id, county_id, f"{name}社会工作服务指导中心", "centre", f"{name}民政局",
                                Decimal(200), "civil_affairs", opened, "", "", self.now, self.now))
                self.centres[code[:6]] = station_id
                change_id += 1
                changes.append((change_id, station_id, "operating", opened, "", at(opened)))
        fields = ["id", "region_id", "name", "kind", "address", "site_area_m2", "co_location", "opened_on",
                  "contact_name", "contact_phone", "created_at", "updated_at"]
        self.note("stations", self.writer.insert(Station, fields, stations + centres))
        self.note("status_changes", self.writer.insert(
            StationStatusChange, ["id", "station_id", "status", "effective_on", "reason", "recorded_at"], changes))
        township_codes = {pk: code for pk, code, _name, _kind in self.townships}
        self.stations_by_county: dict[str, list[int]] = {}
        for station_id, region_id, *_rest in stations:
            self.stations_by_county.setdefault(township_codes[region_id][:6], []).append(station_id)

    # -- targets ----------------------------------------------------------------------------
    def targets(self):
        rng = self.plan.rng("targets")
        rows = []
        for code, pk in sorted(self.region_ids.items()):
            if code.endswith("0000000000"):
                rows += [(pk, "township_coverage_pct", datetime.date(2023, 12, 31), Decimal(80), "percent"),
                         (pk, "township_coverage_pct", datetime.date(2025, 12, 31), Decimal(100), "percent"),
                         (pk, "certified_social_workers", datetime.date(2025, 12, 31), Decimal(rng.randint(2, 9) * 1000),
                          "count")]
            elif code.endswith("00000000") and rng.random() < 0.5:
                rows.append((pk, "township_coverage_pct", datetime.date(2024, 12, 31), Decimal(90), "percent"))
        self.note("targets", self.writer.insert(
            Target, ["id", "region_id", "metric", "due_on", "value", "unit", "source"],
            ((index, *row, "《关于加强乡镇（街道）社工站建设的通知》") for index, row in enumerate(rows, 1))))

    # -- organisations, contracts, installments, payments -----------------------------------
    def organisations(self):
        rng = self.plan.rng("organisations")
        orgs, contracts, links, lines, installments, payments = [], [], [], [], [], []
        self.org_by_county, self.contracts_by_county = {}, {}
        year = self.plan.today.year
        for county_id, code, name in self.counties:
            org_id = len(orgs) + 1
            body = f"52{code[:6]}MJ{org_id % 10**7:07d}"
            rating = rng.choice(("", "3A", "4A", "5A"))
            orgs.append((org_id, f"{name}社会工作服务中心", body + credit_code_check_character(body), county_id,
                         True, rating, 2024 if rating else None, rng.random() < 0.6, "", ""))
            self.org_by_county[code[:6]] = org_id
            stations = self.stations_by_county.get(code[:6], [])
            previous = None
            for contract_year in (year - 1, year):
                contract_id = len(contracts) + 1
                amount = Decimal(max(1, len(stations)) * 120_000)
                signed = datetime.date(contract_year - 1, 12, rng.randint(1, 28))
                starts, ends = datetime.date(contract_year, 1, 1), datetime.date(contract_year, 12, 31)
                due = add_working_days(signed, 15)
                filed = signed + datetime.timedelta(days=rng.randint(3, 30)) if rng.random() < 0.9 else None
                contracts.append((contract_id, county_id, org_id, f"{code[:6]}-{contract_year}-GC-{contract_id:05d}",
                                  f"{name}乡镇（街道）社工站运营服务项目（{contract_year}年度）",
                                  ["social_assistance", "elderly_care", "child_welfare"], ["dibao", "tekun", "elderly"],
                                  signed - datetime.timedelta(days=10), signed, starts, ends, amount, 2, previous,
                                  True, "", due, filed, f"BA{contract_id:07d}" if filed else "", self.now, self.now))
                links += [(len(links) + i + 1, contract_id, station) for i, station in enumerate(stations)]
                lines.append((contract_id, contract_id, "social_assistance", amount))
                for sequence, (trigger, pct) in enumerate((("effective", 50), ("midterm_passed", 30),
                                                           ("final_passed", 20)), 1):
                    triggered = {1: max(signed, starts), 2: starts + datetime.timedelta(days=190),
                                 3: ends + datetime.timedelta(days=30)}[sequence]
                    share = (amount * pct / 100).quantize(Decimal("0.01"))
                    installment_id = len(installments) + 1
                    reached = triggered <= self.plan.today
                    installments.append((installment_id, contract_id, sequence, trigger, Decimal(pct), share,
                                         triggered if reached else None,
                                         add_working_days(triggered, 15) if reached else None))
                    if reached and rng.random() < 0.85:
                        paid = triggered + datetime.timedelta(days=rng.randint(5, 30))
                        payments.append((len(payments) + 1, installment_id, paid, share, f"PZ{installment_id:08d}",
                                         at(paid)))
                previous = contract_id
            self.contracts_by_county[code[:6]] = contract_id - 1  # last year's, evaluated below
        self.note("organisations", self.writer.insert(Organisation, [
            "id", "name", "credit_code", "region_id", "is_local", "rating", "rating_year", "has_party_organisation",
            "contact_name", "contact_phone"], orgs))
        self.note("contracts", self.writer.insert(Contract, [
            "id", "purchaser_id", "contractor_id", "number", "title", "service_domains", "target_groups",
            "award_notice_on", "signed_on", "starts_on", "ends_on", "amount", "social_workers_per_station",
            "previous_id", "renewable", "not_renewable_reason", "filing_due_on", "filed_on", "filing_reference",
            "created_at", "updated_at"], contracts))
        self.writer.insert(Contract.stations.through, ["id", "contract_id", "station_id"], links)
        self.writer.insert(FundingLine, ["id", "contract_id", "source", "amount"], lines)
        self.note("installments", self.writer.insert(PaymentInstallment, [
            "id", "contract_id", "sequence", "trigger", "percentage", "amount", "triggered_on", "due_on"], installments))
        self.note("payments", self.writer.insert(Payment, [
            "id", "installment_id", "paid_on", "amount", "reference", "recorded_at"], payments))

    # -- people, assignments, certificates, training ----------------------------------------
    def people(self):
        rng = self.plan.rng("people")
        today = self.plan.today
        people, jobs, certificates, trainings = [], [], [], []
        seen_ids: set[str] = set()
        county_ids = {code[:6]: pk for pk, code, _name in self.counties}

        def person(county: str) -> int:
            person_id = len(people) + 1
            while True:
                born = datetime.date(rng.randint(1970, 2002), rng.randint(1, 12), rng.randint(1, 28))
                body = f"{county}{born:%Y%m%d}{rng.randint(0, 999):03d}"
                if body not in seen_ids:
                    break
            seen_ids.add(body)
            gender = "M" if int(body[16]) % 2 else "F"
            education = rng.choice((2, 3, 3, 4, 4, 4, 5))
            people.append((person_id, f"{rng.choice(SURNAMES)}{rng.choice(GIVEN)}{rng.choice(('', rng.choice(GIVEN)))}",
                           gender, born, body + id_check_character(body), f"1{rng.randint(3, 9)}{rng.randint(0, 10**9 - 1):09d}",
                           education, "社会工作" if rng.random() < 0.4 else "", rng.random() < 0.35,
                           rng.random() < 0.8, county_ids[county], "", self.now, self.now))
            if rng.random() < 0.45:
                obtained = today - datetime.timedelta(days=rng.randint(30, 3000))
                level = 1 if rng.random() < 0.7 else 2 if rng.random() < 0.85 else 3
                certificates.append((len(certificates) + 1, person_id, level,
                                     f"{obtained.year}{level}{person_id:09d}", obtained))
            for held in sorted(rng.sample(range(30, 1500), rng.choice((0, 1, 1, 2, 3)))):
                kind, title = rng.choice(TRAININGS)
                trainings.append((len(trainings) + 1, person_id, today - datetime.timedelta(days=held), kind, title,
                                  "省社会工作联合会", Decimal(rng.choice((8, 16, 24, 40)))))
            return person_id

        def job(person_id: int, station_id: int, role: str, start: datetime.date, end=None, employer=None):
            jobs.append((len(jobs) + 1, person_id, employer, station_id, role, start, end, ""))

        target = round(sum(len(s) for s in self.stations_by_county.values()) * PEOPLE_PER_STATION)
        for county, stations in sorted(self.stations_by_county.items()):
            org = self.org_by_county.get(county)
            for station in stations:
                opened = self.station_life.get(station, (None, today - datetime.timedelta(days=60), None))[1]
                for index in range(3 if rng.random() < 0.85 else rng.choice((2, 4))):
                    start = opened + datetime.timedelta(days=rng.randint(0, 400))
                    start = min(start, today - datetime.timedelta(days=10))
                    employer = org if rng.random() < 0.7 else None
                    person_id = person(county)
                    if rng.random() < 0.1 and len(stations) > 1:  # moved here from another station in the county
                        before = rng.choice([s for s in stations[:3] if s != station] or stations)
                        if before != station:
                            job(person_id, before, "resident", start - datetime.timedelta(days=400),
                                start - datetime.timedelta(days=1), employer)
                    job(person_id, station, "station_head" if index == 0 else "resident", start, None, employer)
            if county in self.centres:
                for _ in range(2):
                    job(person(county), self.centres[county], "centre_staff", today - datetime.timedelta(days=700))
        while len(people) < target and self.stations_by_county:  # people registered but not yet placed
            person(rng.choice(sorted(self.stations_by_county)))
        self.note("people", self.writer.insert(Person, [
            "id", "name", "gender", "birth_date", "id_number", "phone", "education", "major", "social_work_degree",
            "local_hukou", "registered_region_id", "notes", "created_at", "updated_at"], people))
        self.note("employments", self.writer.insert(Employment, [
            "id", "person_id", "employer_id", "station_id", "role", "start_on", "end_on", "notes"], jobs))
        self.note("certificates", self.writer.insert(Certificate, [
            "id", "person_id", "level", "number", "obtained_on"], certificates))
        self.note("trainings", self.writer.insert(TrainingRecord, [
            "id", "person_id", "held_on", "kind", "title", "provider", "hours"], trainings))

    # -- monthly reports and their service lines --------------------------------------------
    def reports(self):
        rng = self.plan.rng("reports")
        first, last = self.plan.first_period, self.plan.last_period
        fields = ["id", "station_id", "period", "status", "version", "volunteers", "volunteer_hours",
                  "organisations_incubated", "charity_yuan", "charity_in_kind", "needs_records", "resource_entries",
                  "training_hours", "highlights", "problems", "next_plan", "first_submitted_at", "submitted_at",
                  "return_reason", "reviewed_at", "created_at", "updated_at"]
        line_fields = ["id", "report_id", "domain", "target_group", "person_times", "home_visits",
                       "cases_active_start", "cases_opened", "cases_closed", "group_sessions", "community_activities"]
        lines: list[tuple] = []
        counter = {"reports": 0, "lines": 0}

        def report_rows():
            for station, (_county, opened, until) in sorted(self.station_life.items()):
                start = max(first, next_month(month_start(opened)))
                stop = min(last, month_start(until)) if until else last
                for period in months(start, stop):
                    recent = period == last
                    draw = rng.random()
                    if draw < (0.06 if recent else 0.015):
                        continue  # never filed
                    status = ("draft" if draw < 0.12 else "submitted" if draw < 0.25 else "approved") if recent \
                        else ("returned" if draw < 0.02 else "approved")
                    end = month_end(period)
                    created = at(end + datetime.timedelta(days=rng.randint(1, 4)), 9)
                    submitted = None if status == "draft" else created + datetime.timedelta(hours=rng.randint(2, 30))
                    reviewed = submitted + datetime.timedelta(days=rng.randint(1, 6)) \
                        if status in ("approved", "returned") else None
                    counter["reports"] += 1
                    report_id = counter["reports"]
                    volunteers = rng.randint(0, 40)
                    yield (report_id, station, period, status, 1, volunteers, Decimal(volunteers * 3),
                           rng.randint(0, 2), Decimal(rng.randint(0, 40) * 500), "", rng.randint(0, 30),
                           rng.randint(0, 20), Decimal(rng.randint(0, 16)), "开展政策宣传和入户走访。", "", "",
                           submitted, submitted, "退回补充说明" if status == "returned" else "", reviewed, created,
                           reviewed or submitted or created)
                    for domain, group in rng.sample(LINE_COMBOS, rng.choice((1, 2, 2, 3))):
                        active, opened_cases = rng.randint(0, 12), rng.randint(0, 4)
                        counter["lines"] += 1
                        lines.append((counter["lines"], report_id, domain, group, rng.randint(10, 400),
                                      rng.randint(0, 60), active, opened_cases, rng.randint(0, active + opened_cases),
                                      rng.randint(0, 4), rng.randint(0, 3)))

        # Reports and their lines go in alternately, a chunk at a time, so memory stays flat.
        rows = report_rows()
        while chunk := list(islice(rows, Writer.CHUNK)):
            self.writer.insert(MonthlyReport, fields, chunk)
            self.writer.insert(MonthlyReportLine, line_fields, lines)
            lines.clear()
        self.note("reports", counter["reports"])
        self.note("report_lines", counter["lines"])

    # -- evaluation templates, evaluations, scores ------------------------------------------
    def evaluations(self):
        rng = self.plan.rng("evaluations")
        templates, dimensions, indicators = [], [], []
        layout = [("行政监管", 30, ["有场地", "有制度", "有人员"]), ("服务成效", 40, ["有功能", "有活动"]),
                  ("项目管理", 30, ["设备配置", "信息报送"])]
        template_for: dict[tuple[str, str], list[tuple[int, Decimal]]] = {}
        for code, pk in sorted(self.region_ids.items()):
            if not code.endswith("0000000000"):
                continue
            for kind, label in (("station_acceptance", "站点验收标准"), ("final", "项目终期评估指标")):
                template_id = len(templates) + 1
                templates.append((template_id, pk, kind, f"社工站{label}", 1, "published", Decimal(90), Decimal(80),
                                  Decimal(60), "", self.now))
                parts = template_for[(code[:2], kind)] = [template_id]
                for order, (name, weight, names) in enumerate(layout, 1):
                    dimension_id = len(dimensions) + 1
                    dimensions.append((dimension_id, template_id, name, Decimal(weight), order))
                    for i_order, indicator in enumerate(names, 1):
                        indicators.append((len(indicators) + 1, dimension_id, indicator, Decimal(weight) / len(names),
                                           "", i_order))
                        parts.append((indicators[-1][0], indicators[-1][3]))
        evaluations, scores, results = [], [], []
        county_ids = {code[:6]: pk for pk, code, _name in self.counties}

        def evaluate(kind, county, contract=None, station=None, period=(None, None)):
            template_id, *parts = template_for[(county[:2], kind)]
            fraction = Decimal(rng.randint(55, 98)) / 100
            evaluation_id = len(evaluations) + 1
            total = Decimal(0)
            for indicator_id, maximum in parts:
                score = (maximum * fraction).quantize(Decimal("0.5"))
                total += score
                scores.append((len(scores) + 1, evaluation_id, indicator_id, score, ""))
            grade = "excellent" if total >= 90 else "good" if total >= 80 else "pass" if total >= 60 else "fail"
            finalised = period[1] + datetime.timedelta(days=20)
            evaluations.append((evaluation_id, template_id, county_ids[county], contract, station, *period, None,
                                "finalised", "", total, grade, at(finalised), finalised, at(finalised), "", self.now))
            return evaluation_id, total, grade, finalised

        for county, contract in sorted(self.contracts_by_county.items()):
            start = datetime.date(self.plan.today.year - 1, 1, 1)
            evaluation_id, total, grade, finalised = evaluate("final", county, contract=contract,
                                                              period=(start, start.replace(month=12, day=31)))
            results.append((len(results) + 1, contract, "final", "终期评估", finalised, total, grade, grade != "fail",
                            f"assessments.Evaluation:{evaluation_id}"))
        for station, (county, opened, _until) in sorted(self.station_life.items()):
            if rng.random() < 0.05:
                evaluate("station_acceptance", county, station=station,
                         period=(opened, opened + datetime.timedelta(days=180)))
        self.writer.insert(EvaluationTemplate, ["id", "province_id", "kind", "name", "version", "status",
                                                "excellent_min", "good_min", "pass_min", "description",
                                                "published_at"], templates)
        self.writer.insert(Dimension, ["id", "template_id", "name", "weight", "order"], dimensions)
        self.writer.insert(Indicator, ["id", "dimension_id", "name", "max_score", "guidance", "order"], indicators)
        self.note("evaluations", self.writer.insert(Evaluation, [
            "id", "template_id", "county_id", "contract_id", "station_id", "period_start", "period_end",
            "evaluator_id", "status", "comments", "total", "grade", "submitted_at", "finalised_on",
            "consequences_applied_at", "returned_reason", "created_at"], evaluations))
        self.writer.insert(Score, ["id", "evaluation_id", "indicator_id", "score", "comment"], scores)
        self.writer.insert(ContractEvaluation, ["id", "contract_id", "kind", "kind_label", "evaluated_on", "score",
                                                "grade", "passed", "reference"], results)

    # -- the summaries the services keep ---------------------------------------------------
    def summaries(self):
        """Rows were copied in, past the services: build what they would have kept up to date."""
        self.note("coverage_periods", refresh_coverage_periods())
        self.note("placements", refresh_placements())


def generate(plan: Plan, stdout=None) -> dict[str, int]:
    return Generator(plan, stdout).run()
