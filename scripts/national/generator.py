"""A synthetic national dataset at the real sizes (31 provinces, ~41,000 townships, ~38,000
stations, ~120,000 social workers, five years of monthly reports), for benchmarks.

The steps run in order, each in a module of its own, and share what the later ones need (the
townships, each station's life, each county's organisation and contracts) through the generator.
"""

from __future__ import annotations

import datetime
import time
from decimal import Decimal

from core.dates import calendar_held
from scripts.national import contracts, evaluations, people, reports, stations
from scripts.national.plan import Plan, at, synthetic_rows
from scripts.national.tables import POLICY_DOCUMENT, POLICY_RULE, TARGET
from scripts.national.writer import Writer
from stations import divisions
from stations.models import Region, RegionLevel
from stations.services.coverage_periods import refresh_coverage_periods
from workforce.placement import refresh_placements

TARGET_SOURCE = "关于加强乡镇（街道）社工站建设的通知"
DOCUMENT_ISSUED = datetime.date(2021, 1, 1)
PROVINCE_RULES = (("qualification.routes", ["degree", "certificate", "training"]),
                  ("qualification.training_hours", "60"), ("qualification.deadline_years", 2),
                  ("training.continuing_hours_per_year", "60"), ("staffing.min_resident_social_workers", 2))


class Generator:
    def __init__(self, plan: Plan, stdout=None):
        self.plan = plan
        self.stdout = stdout
        self.writer = Writer()
        self.counts: dict[str, int] = {}
        self.now = at(plan.today)
        # Filled by the steps, read by the later ones.
        self.region_ids: dict[str, int] = {}
        self.townships: list[tuple[int, str, str, str]] = []  # id, code, name, kind
        self.counties: list[tuple[int, str, str]] = []  # id, code, name
        self.station_life: dict[int, tuple[str, datetime.date, datetime.date | None]] = {}  # county, from, until
        self.centres: dict[str, int] = {}  # county code (6 digits) → its county centre
        self.stations_by_county: dict[str, list[int]] = {}  # county code → township stations
        self.org_by_county: dict[str, int] = {}
        self.contracts_by_county: dict[str, int] = {}  # county code → last year's contract

    def log(self, label: str, started: float, count: int | None = None):
        if self.stdout is not None:
            tail = f"  {count:>10,}" if count is not None else ""
            print(f"{label:<34} {time.perf_counter() - started:7.1f} s{tail}", file=self.stdout)

    def run(self) -> dict[str, int]:
        for name, step in STEPS:
            started = time.perf_counter()
            step(self)
            self.log(name, started)
        started = time.perf_counter()
        self.writer.finish()
        self.log("sequences + ANALYZE", started)
        return self.counts

    def note(self, key: str, count: int):
        self.counts[key] = self.counts.get(key, 0) + count

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

    def targets(self):
        """Each province's coverage targets and certified-worker target; some cities' own. Each region
        with targets has one (synthetic) document setting them, in force from 2021."""
        rng = self.plan.rng("targets")
        rows, documents, document_ids = [], [], {}

        def target(region_id: int, metric: str, due_on: datetime.date, value: Decimal, unit: str):
            if region_id not in document_ids:
                document_ids[region_id] = len(documents) + 1
                documents.append(POLICY_DOCUMENT.row(
                    id=document_ids[region_id], key=f"NATIONAL-{region_id}", title=TARGET_SOURCE, issuer="",
                    number="", issued_on=DOCUMENT_ISSUED, effective_from=DOCUMENT_ISSUED, effective_note="",
                    region_id=region_id, url="", note=""))
            rows.append(TARGET.row(id=len(rows) + 1, region_id=region_id, document_id=document_ids[region_id],
                                   metric=metric, due_on=due_on, value=value, unit=unit, clause="", quote=""))

        for code, pk in sorted(self.region_ids.items()):
            if code.endswith("0000000000"):
                target(pk, "township_coverage_pct", datetime.date(2023, 12, 31), Decimal(80), "percent")
                target(pk, "township_coverage_pct", datetime.date(2025, 12, 31), Decimal(100), "percent")
                target(pk, "certified_social_workers", datetime.date(2025, 12, 31),
                       Decimal(rng.randint(2, 9) * 1000), "count")
            elif code.endswith("00000000") and rng.random() < 0.5:
                target(pk, "township_coverage_pct", datetime.date(2024, 12, 31), Decimal(90), "percent")
        # Each province's document also sets workforce rules, so the pages that apply them have work.
        rules = [POLICY_RULE.row(id=index * len(PROVINCE_RULES) + offset + 1, document_id=document_ids[pk], key=key,
                                 value=value, clause="", quote="")
                 for index, pk in enumerate(pk for code, pk in sorted(self.region_ids.items())
                                            if code.endswith("0000000000"))
                 for offset, (key, value) in enumerate(PROVINCE_RULES)]
        self.note("policy_documents", self.writer.insert(POLICY_DOCUMENT, documents))
        self.note("policy_rules", self.writer.insert(POLICY_RULE, rules))
        self.note("targets", self.writer.insert(TARGET, rows))

    def summaries(self):
        """Rows were copied in, past the services: build what they would have kept up to date."""
        self.note("coverage_periods", refresh_coverage_periods())
        self.note("placements", refresh_placements())


STEPS = (("regions", Generator.regions), ("stations", stations.write), ("targets", Generator.targets),
         ("organisations", contracts.write), ("people", people.write), ("reports", reports.write),
         ("evaluations", evaluations.write), ("summaries", Generator.summaries))


def generate(plan: Plan, stdout=None) -> dict[str, int]:
    with calendar_held():  # one read of the holiday calendar for every installment's due date
        return Generator(plan, stdout).run()
