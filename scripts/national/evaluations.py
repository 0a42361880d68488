"""Each province's two published evaluation templates; a finalised final evaluation of every county's
contract of last year (with its result on the contract), and acceptance evaluations of a few stations;
all of them the county's own (none a city's or province's spot check)."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from scripts.national.plan import at
from scripts.national.tables import CONTRACT_EVALUATION, DIMENSION, EVALUATION, INDICATOR, SCORE, TEMPLATE, Rows

if TYPE_CHECKING:
    from scripts.national.generator import Generator

LAYOUT = [("行政监管", 30, ["有场地", "有制度", "有人员"]), ("服务成效", 40, ["有功能", "有活动"]),
          ("项目管理", 30, ["设备配置", "信息报送"])]
TEMPLATE_KINDS = (("station_acceptance", "站点验收标准"), ("final", "项目终期评估指标"))


def write(g: Generator):
    Evaluations(g).write()


class Evaluations:
    def __init__(self, g: Generator):
        self.g = g
        self.rng = g.plan.rng("evaluations")
        self.templates, self.dimensions, self.indicators = Rows(TEMPLATE), Rows(DIMENSION), Rows(INDICATOR)
        self.evaluations, self.scores, self.results = Rows(EVALUATION), Rows(SCORE), Rows(CONTRACT_EVALUATION)
        # (province code, kind) → the template's id and each indicator's id with its maximum score
        self.template_for: dict[tuple[str, str], tuple[int, list[tuple[int, Decimal]]]] = {}
        self.county_ids = {code[:6]: pk for pk, code, _name in g.counties}

    def write(self):
        g = self.g
        for code, pk in sorted(g.region_ids.items()):
            if code.endswith("0000000000"):
                for kind, label in TEMPLATE_KINDS:
                    self.template_for[(code[:2], kind)] = self.template(pk, kind, label)
        start = datetime.date(g.plan.today.year - 1, 1, 1)
        for county, contract in sorted(g.contracts_by_county.items()):
            self.final(county, contract, (start, start.replace(month=12, day=31)))
        for station, (county, opened, _until) in sorted(g.station_life.items()):
            if self.rng.random() < 0.05:
                self.evaluate("station_acceptance", county, station=station,
                              period=(opened, opened + datetime.timedelta(days=180)))
        for rows in (self.templates, self.dimensions, self.indicators, self.evaluations, self.scores, self.results):
            count = g.writer.insert(rows.table, rows.rows)
            if rows is self.evaluations:
                g.note("evaluations", count)

    def template(self, province_id: int, kind: str, label: str) -> tuple[int, list[tuple[int, Decimal]]]:
        """A published template of ``LAYOUT``: its id, and its indicators' ids with their maximum scores."""
        template_id = self.templates.add(
            id=self.templates.next_id, province_id=province_id, kind=kind, name=f"社工站{label}", version=1,
            status="published", excellent_min=Decimal(90), good_min=Decimal(80), pass_min=Decimal(60),
            description="", published_at=self.g.now)
        parts = []
        for order, (name, weight, names) in enumerate(LAYOUT, 1):
            dimension_id = self.dimensions.add(id=self.dimensions.next_id, template_id=template_id, name=name,
                                               weight=Decimal(weight), order=order)
            for i_order, indicator in enumerate(names, 1):
                maximum = Decimal(weight) / len(names)
                parts.append((self.indicators.add(id=self.indicators.next_id, dimension_id=dimension_id,
                                                  name=indicator, max_score=maximum, guidance="", order=i_order),
                              maximum))
        return template_id, parts

    def final(self, county: str, contract: int, period: tuple[datetime.date, datetime.date]):
        """The final evaluation of the county's contract, and its result recorded on the contract."""
        evaluation_id, total, grade, finalised = self.evaluate("final", county, contract=contract, period=period)
        self.results.add(id=self.results.next_id, contract_id=contract, kind="final", kind_label="终期评估",
                         evaluated_on=finalised, score=total, grade=grade, passed=grade != "fail",
                         reference=f"assessments.Evaluation:{evaluation_id}")

    def evaluate(self, kind: str, county: str, contract=None, station=None,
                 period: tuple[datetime.date, datetime.date] = (None, None)):
        """A finalised evaluation, every indicator scored the same share of its maximum."""
        template_id, parts = self.template_for[(county[:2], kind)]
        fraction = Decimal(self.rng.randint(55, 98)) / 100
        evaluation_id = self.evaluations.next_id
        total = Decimal(0)
        for indicator_id, maximum in parts:
            score = (maximum * fraction).quantize(Decimal("0.5"))
            total += score
            self.scores.add(id=self.scores.next_id, evaluation_id=evaluation_id, indicator_id=indicator_id,
                            score=score, comment="")
        grade = "excellent" if total >= 90 else "good" if total >= 80 else "pass" if total >= 60 else "fail"
        finalised = period[1] + datetime.timedelta(days=20)
        self.evaluations.add(
            id=evaluation_id, template_id=template_id, county_id=self.county_ids[county],
            initiating_region_id=self.county_ids[county], contract_id=contract,
            station_id=station, period_start=period[0], period_end=period[1], evaluator_id=None,
            status="finalised", comments="", total=total, grade=grade, submitted_at=at(finalised),
            finalised_on=finalised, consequences_applied_at=at(finalised), returned_reason="",
            created_at=self.g.now)
        return evaluation_id, total, grade, finalised
