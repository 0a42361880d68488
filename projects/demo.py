"""Demo organisations, the evaluator login, and yearly contracts for 远安县 and 兴山县
from 2022 to this year: renewal chains in 3-year cycles, installments released by
evaluations and partly paid (one left unpaid), filings (one overdue), spending figures.
The purchase rules are Hubei's own document's (the shipped pack): a cap of 5% of the previous
year's social-assistance spending; it sets no payment period, so installments have no due date.

The mid-term and final evaluations are real evaluations, scored and confirmed through the
assessments app (``context["evaluate_contract"]``, which the assessments demo registers): their
confirmation records the contract's result and releases its installment, so the contract page
and the reporting-chain workbook read the same evaluations. Without it no evaluation is made."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone

from projects import services
from projects.models import FundingSource, InstallmentTrigger, Organisation, OrganisationMember
from projects.validators import credit_code_check_character
from stations.models import PolicyDocument, Region, Role, Station, User
from stations.packs import PACK_DIR, load_packs
from stations.roles import ensure_role_groups

HUBEI_DOCUMENT = "HUBEI-PROV-2021"
# The split each demo contract agreed (the contracts' own terms: Hubei's document sets none).
AGREED_SPLIT = [{"trigger": InstallmentTrigger.EFFECTIVE, "percentage": Decimal("50")},
                {"trigger": InstallmentTrigger.MIDTERM_PASSED, "percentage": Decimal("30")},
                {"trigger": InstallmentTrigger.FINAL_PASSED, "percentage": Decimal("20")}]
FIRST_YEAR = 2022
CYCLE_YEARS = 3
PER_STATION = Decimal("120000.00")


def credit_code(body17: str) -> str:
    return body17 + credit_code_check_character(body17)


def seed(*, stdout, context):
    from stations.demo import DEMO_PASSWORD

    admin = context.get("admin")
    city = Region.objects.get(code="420500000000")
    evaluator_org = Organisation(
        name="宜昌市社会工作评估中心", credit_code=credit_code("52420500MJH000001"), region=city,
        is_local=True, rating="4A", rating_year=2024, has_party_organisation=True,
    )
    evaluator_org._history_user = admin
    evaluator_org.full_clean()
    evaluator_org.save()
    user = User(username="pinggu_jigou", last_name="陈", first_name="评估员", role=Role.EVALUATOR, region=city)
    user.set_password(DEMO_PASSWORD)
    user.full_clean()
    user.save()
    user.groups.add(ensure_role_groups()[Role.EVALUATOR])
    OrganisationMember.objects.create(user=user, organisation=evaluator_org)
    context["evaluator_org"] = evaluator_org
    context["pinggu_jigou"] = user

    _seed_policy(admin)
    counties = {
        "420525000000": ("yuanan_xian", "YA", "远安县馨和社会工作服务中心", "52420525MJ2500001", "420525000000", True),
        "420526000000": ("xingshan_xian", "XS", "宜昌市博爱社会工作服务中心", "52420500MJH000003", "420500000000",
                         False),
    }
    contracts = 0
    for code, (username, prefix, org_name, body, org_region, local) in counties.items():
        actor = context.get(username) or admin
        county = Region.objects.get(code=code)
        # An organisation registered in the city is registered by the province's admin; the county
        # then adds it by its credit code and name, as county staff do on the organisation screen.
        registrar = actor if local else admin
        org = services.organisation_create(
            actor=registrar, name=org_name, credit_code=credit_code(body), region=Region.objects.get(code=org_region),
            is_local=local, rating="4A" if local else "5A", rating_year=2024, has_party_organisation=local,
            contact_name="周" if local else "吴", contact_phone="0717-0000000")
        if registrar is not actor:
            services.organisation_add_known(actor=actor, credit_code=org.credit_code, name=org.name)
        context[f"contractor_{prefix.lower()}"] = org
        _seed_spending(actor, county)
        contracts += _seed_contracts(actor=actor, county=county, org=org, prefix=prefix,
                                     overdue=(prefix == "XS"), evaluate=context.get("evaluate_contract"))
    stdout.write(f"机构：3 个（评估机构 1，本地承接机构 1，外地引进 1）；合同：{contracts} 份")


def _seed_policy(admin):
    """Hubei's document, from its pack, unless the stations demo loaded the packs already."""
    if not PolicyDocument.objects.filter(key=HUBEI_DOCUMENT).exists():
        load_packs([PACK_DIR / "d1_hubei_2021.toml"], actor=admin)


def _seed_spending(actor, county):
    base = Decimal("11800000.00") if county.code.startswith("420525") else Decimal("9600000.00")
    for year in range(FIRST_YEAR - 1, timezone.localdate().year):
        services.spending_set(actor=actor, region=county, year=year,
                              amount=base + Decimal(250000) * (year - FIRST_YEAR), source=f"{year}年度决算")


def _seed_contracts(*, actor, county, org, prefix, overdue, evaluate) -> int:
    today = timezone.localdate()
    stations = list(Station.objects.filter(region__code__startswith=county.prefix, kind="station")
                    .order_by("region__code"))
    amount = PER_STATION * len(stations)
    assistance = (amount * Decimal("0.25")).quantize(Decimal("0.01"))
    previous = None
    count = 0
    for year in range(FIRST_YEAR, today.year + 1):
        if (year - FIRST_YEAR) % CYCLE_YEARS == 0:
            previous = None
        current = year == today.year
        contract = services.contract_create(
            actor=actor, purchaser=county, contractor=org, number=f"{prefix}-{year}-01",
            title=f"{county.name}{year}年度乡镇社工站服务项目", stations=stations,
            service_domains=["social_assistance", "elderly_care", "child_welfare"],
            target_groups=["dibao", "tekun", "elderly", "children"],
            award_notice_on=datetime.date(year - 1, 12, 1), signed_on=datetime.date(year - 1, 12, 15),
            starts_on=datetime.date(year, 1, 1), ends_on=datetime.date(year, 12, 31), amount=amount,
            previous=previous, installments=AGREED_SPLIT, funding_lines=[
                {"source": FundingSource.SOCIAL_ASSISTANCE, "amount": assistance},
                {"source": FundingSource.WELFARE_LOTTERY, "amount": amount - assistance - Decimal("100000.00")},
                {"source": FundingSource.GENERAL_BUDGET, "amount": Decimal("100000.00")},
            ])
        count += 1
        if not (current and overdue):
            services.contract_record_filing(actor=actor, contract=contract, filed_on=datetime.date(year - 1, 12, 28),
                                            reference=f"宜民备〔{year}〕{count}号")
        _seed_evaluations_and_payments(actor=actor, contract=contract, year=year, today=today,
                                       leave_midterm_unpaid=current and overdue, evaluate=evaluate)
        previous = contract
    return count


def _seed_evaluations_and_payments(*, actor, contract, year, today, leave_midterm_unpaid, evaluate):
    """Each step whose day has come: the evaluation (over the months before it) confirmed on that
    day, then the installment it released paid 12 days later if that day has come too."""
    steps = [
        (InstallmentTrigger.EFFECTIVE, None, datetime.date(year, 1, 1), None),
        (InstallmentTrigger.MIDTERM_PASSED, "midterm", datetime.date(year, 7, 10), datetime.date(year, 6, 30)),
        (InstallmentTrigger.FINAL_PASSED, "final", datetime.date(year, 12, 20), datetime.date(year, 11, 30)),
    ]
    for trigger, kind, on_date, period_end in steps:
        if on_date > today:
            break
        if kind:
            if evaluate is None:
                break
            evaluate(actor=actor, contract=contract, kind=kind, period_start=contract.starts_on,
                     period_end=period_end, on_date=on_date)
        installment = contract.installments.get(trigger=trigger)
        paid_on = installment.triggered_on + datetime.timedelta(days=12)
        if paid_on > today or (trigger == InstallmentTrigger.MIDTERM_PASSED and leave_midterm_unpaid):
            continue
        services.payment_record(actor=actor, installment=installment, paid_on=paid_on, amount=installment.amount,
                                reference=f"{contract.number}-{installment.sequence}")
