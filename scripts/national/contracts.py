"""A social-work organisation per county with last year's and this year's purchase contracts, their
funding lines, installments and the payments made."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from core.dates import add_working_days
from projects.validators import credit_code_check_character
from scripts.national.plan import at
from scripts.national.tables import CONTRACT, CONTRACT_STATION, FUNDING_LINE, INSTALLMENT, ORGANISATION, PAYMENT, Rows

if TYPE_CHECKING:
    from scripts.national.generator import Generator

INSTALLMENTS = (("effective", 50), ("midterm_passed", 30), ("final_passed", 20))


def write(g: Generator):
    Purchases(g).write()


class Purchases:
    def __init__(self, g: Generator):
        self.g = g
        self.rng = g.plan.rng("organisations")
        self.orgs, self.contracts, self.links = Rows(ORGANISATION), Rows(CONTRACT), Rows(CONTRACT_STATION)
        self.lines, self.installments, self.payments = Rows(FUNDING_LINE), Rows(INSTALLMENT), Rows(PAYMENT)

    def write(self):
        g, year = self.g, self.g.plan.today.year
        for county_id, code, name in g.counties:
            org_id = self.organisation(county_id, code, name)
            g.org_by_county[code[:6]] = org_id
            stations = g.stations_by_county.get(code[:6], [])
            previous = None
            for contract_year in (year - 1, year):
                previous = self.contract((county_id, code, name), org_id, stations, contract_year, previous)
            g.contracts_by_county[code[:6]] = previous - 1  # last year's, evaluated later
        for rows, key in ((self.orgs, "organisations"), (self.contracts, "contracts"), (self.links, None),
                          (self.lines, None), (self.installments, "installments"), (self.payments, "payments")):
            count = g.writer.insert(rows.table, rows.rows)
            if key:
                g.note(key, count)

    def organisation(self, county_id: int, code: str, name: str) -> int:
        org_id = self.orgs.next_id
        body = f"52{code[:6]}MJ{org_id % 10**7:07d}"
        rating = self.rng.choice(("", "3A", "4A", "5A"))
        return self.orgs.add(
            id=org_id, name=f"{name}社会工作服务中心", credit_code=body + credit_code_check_character(body),
            region_id=county_id, is_local=True, rating=rating, rating_year=2024 if rating else None,
            has_party_organisation=self.rng.random() < 0.6, contact_name="", contact_phone="")

    def contract(self, county: tuple[int, str, str], org_id: int, stations: list[int], year: int,
                 previous: int | None) -> int:
        """One year's contract for the county's stations, with its funding and installments; its id."""
        (county_id, code, name), rng, now = county, self.rng, self.g.now
        contract_id = self.contracts.next_id
        amount = Decimal(max(1, len(stations)) * 120_000)
        signed = datetime.date(year - 1, 12, rng.randint(1, 28))
        starts, ends = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
        filed = signed + datetime.timedelta(days=rng.randint(3, 30)) if rng.random() < 0.9 else None
        self.contracts.add(
            id=contract_id, purchaser_id=county_id, contractor_id=org_id,
            number=f"{code[:6]}-{year}-GC-{contract_id:05d}", title=f"{name}乡镇（街道）社工站运营服务项目（{year}年度）",
            service_domains=["social_assistance", "elderly_care", "child_welfare"],
            target_groups=["dibao", "tekun", "elderly"], award_notice_on=signed - datetime.timedelta(days=10),
            signed_on=signed, starts_on=starts, ends_on=ends, amount=amount, **cost_split(amount, contract_id),
            social_workers_per_station=2,
            previous_id=previous, renewable=True, not_renewable_reason="",
            filing_due_on=None, filed_on=filed,  # no synthetic document sets a filing period
            filing_reference=f"BA{contract_id:07d}" if filed else "", created_at=now, updated_at=now)
        for station in stations:
            self.links.add(id=self.links.next_id, contract_id=contract_id, station_id=station)
        self.lines.add(id=contract_id, contract_id=contract_id, source="social_assistance", amount=amount)
        triggers = (max(signed, starts), starts + datetime.timedelta(days=190), ends + datetime.timedelta(days=30))
        for sequence, ((trigger, pct), triggered) in enumerate(zip(INSTALLMENTS, triggers, strict=True), 1):
            self.installment(contract_id, sequence, trigger, pct, amount, triggered)
        return contract_id

    def installment(self, contract_id: int, sequence: int, trigger: str, pct: int, amount: Decimal,
                    triggered: datetime.date):
        """An installment, triggered if its day has come, and paid for most of those."""
        share = (amount * pct / 100).quantize(Decimal("0.01"))
        reached = triggered <= self.g.plan.today
        installment_id = self.installments.add(
            id=self.installments.next_id, contract_id=contract_id, sequence=sequence, trigger=trigger,
            percentage=Decimal(pct), amount=share, triggered_on=triggered if reached else None,
            due_on=add_working_days(triggered, 15) if reached else None)
        if reached and self.rng.random() < 0.85:
            paid = triggered + datetime.timedelta(days=self.rng.randint(5, 30))
            self.payments.add(id=self.payments.next_id, installment_id=installment_id, paid_on=paid, amount=share,
                              reference=f"PZ{installment_id:08d}", recorded_at=at(paid))


def cost_split(amount: Decimal, contract_id: int) -> dict:
    """A budget of 90% personnel, 7% operations and the rest other costs, and a monthly wage per
    resident social worker between 3,800 and 4,600 yuan (no random draw: the rest of the data
    keeps its sequence)."""
    personnel = (amount * Decimal("0.9")).quantize(Decimal("0.01"))
    operations = (amount * Decimal("0.07")).quantize(Decimal("0.01"))
    return {"personnel_cost": personnel, "operations_cost": operations,
            "other_cost": amount - personnel - operations, "monthly_wage": Decimal(3800 + contract_id % 5 * 200)}

