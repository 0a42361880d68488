"""One county's worth of every kind of record, built through the product's services.

``build_county`` is called twice by the security tests: once for the signed-in users' own
county (plain names), once for another county with names and numbers carrying canary strings,
so that any of those strings in a response is a leak.
"""

from __future__ import annotations

import datetime
import time
from decimal import Decimal
from types import SimpleNamespace

from django.core.files.uploadedfile import SimpleUploadedFile
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from assessments import services as assessment_services
from assessments.models import EvaluationKind
from config.models import Notification, SecondFactor
from config.two_factor import services as two_factor_services
from core import jobs
from core.audit import save_audited
from projects import services as project_services
from projects.models import FundingSource, Organisation, OrganisationMember
from stations import services as station_services
from stations.models import AdjustedDay, HolidayNotice, RegionLevel, ReportDeadline, Role, ServiceDomain, TargetGroup
from tests import builders
from tests.assessments import builders as ab
from tests.projects import builders as pb
from tests.stations import policy_builders as policies
from tests.stations import report_builders as rb
from tests.workforce import builders as wb
from workforce import services as workforce_services
from workforce.models import CertificateLevel, DisclosureKind, ReportedMetric, StipendKind, TrainingKind

D = Decimal
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def build_shared(h) -> None:
    """Province-wide pieces both counties use: the standards checklists and an evaluation template."""
    h.root = builders.superuser()
    h.province_document = policies.document_for(h.province)
    policies.checklist(h.province, ["有场地", "有人员", "有功能", "有制度", "有活动"], name="五有")
    policies.checklist(h.other_province, ["有场地", "有设备", "有人员", "有服务功能", "有工作流程", "有规章制度"], name="六有")
    station_services.coverage_setting_set(actor=h.root, province=h.province, include_other_township=True)
    h.midterm = ab.template(h.province)


def national_records() -> dict:
    """The national holiday calendar, read by everyone and kept by superusers (no county's record):
    its admin pages are tried on the 2026 notice ``migrate`` enters and the first day it moves."""
    notice = HolidayNotice.objects.get(year=2026)
    return {HolidayNotice: notice.pk, AdjustedDay: notice.days.order_by("day").first().pk}


def build_county(h, *, county, township_code: str, tag: str, credit_body: str, id_region: str,
                 contract_number: str, certificate_number: str) -> SimpleNamespace:
    """Every kind of record of one county; ``tag`` goes into every free-text field."""
    root = h.root
    c = SimpleNamespace(county=county, tag=tag)
    c.township = builders.region(township_code, f"{tag}街道", RegionLevel.TOWNSHIP, county)
    c.station = builders.station(c.township, name=f"{tag}社工站", address=f"{tag}路1号", contact_name=f"{tag}站长",
                                 on=datetime.date(2023, 1, 1))
    station_services.station_change_status(actor=root, station=c.station, status="suspended",
                                           effective_on=datetime.date(2024, 3, 1), reason=f"{tag}暂停")
    station_services.station_change_status(actor=root, station=c.station, status="operating",
                                           effective_on=datetime.date(2024, 4, 1), reason=f"{tag}恢复")
    c.staff = builders.user(f"staff_{county.code[:6]}", Role.COUNTY, county, last_name=tag, first_name="科员")
    c.head = builders.user(f"head_{county.code[:6]}", Role.STATION_HEAD, county, station=c.station,
                           last_name=tag, first_name="站长")
    checklist = station_services.station_checklist(c.station, datetime.date(2024, 5, 1))
    c.acceptance = station_services.station_check_standard(
        actor=c.staff, station=c.station, checklist=checklist, checked_on=datetime.date(2024, 5, 1),
        ticks={item.pk: True for item in checklist.items.all()}, notes=f"{tag}验收意见")
    save_audited(ReportDeadline(region=county, day=10, note=f"{tag}报送依据"), actor=root)
    c.policy_document = policies.document(
        county, title=f"{tag}社工站建设方案", number=f"{tag}〔2024〕1号", issuer=f"{tag}民政局",
        effective_from=datetime.date(2024, 1, 1), url=f"https://example.gov.cn/{county.code[:6]}.html", note=f"{tag}备注")
    policies.rule(c.policy_document, "qualification.deadline_years", 2, clause=f"{tag}第五条", quote=f"{tag}两年内取得证书")
    c.target = policies.target(county, "77", datetime.date(2025, 12, 31), doc=c.policy_document,
                               clause=f"{tag}第二条", quote=f"{tag}覆盖率达到77%")
    lines = [rb.line(ServiceDomain.ELDERLY_CARE, TargetGroup.ELDERLY_IN_DIFFICULTY, person_times=4321, home_visits=7)]
    c.report_approved = rb.report(c.station, c.head, datetime.date(2025, 1, 1), lines=lines,
                                  submit_at=rb.at(2025, 2, 3), approve_by=c.staff, highlights=f"{tag}亮点",
                                  problems=f"{tag}问题", next_plan=f"{tag}计划", volunteers=3)
    c.report_returned = rb.report(c.station, c.head, datetime.date(2025, 2, 1), lines=lines,
                                  submit_at=rb.at(2025, 3, 3), return_by=c.staff, highlights=f"{tag}二月")
    c.report_draft = rb.report(c.station, c.head, datetime.date(2025, 3, 1), lines=lines, highlights=f"{tag}三月")
    # projects
    c.purchase_rules = pb.document(county, {
        "contract.signing_within_days": (30, f"{tag}第五条", f"{tag}中标后30日内签订"),
        "payment.due_within_working_days": (15, f"{tag}第六条", f"{tag}15个工作日内拨付"),
        "payment.installments": ([{"percent": 50, "trigger": "effective"}, {"percent": 30, "trigger": "midterm_passed"},
                                  {"percent": 20, "trigger": "final_passed"}], f"{tag}第七条", f"{tag}分三期拨付"),
        "fund.assistance_share_max": (5, "", f"{tag}不超过上年度支出5%"), "fund.assistance_share_basis": "last_year",
    }, title=f"{tag}购买服务规则", key=f"PURCHASE-{county.code}", actor=root)
    c.credit_code = pb.credit_code(credit_body)
    c.org = project_services.organisation_create(
        actor=c.staff, name=f"{tag}社会工作服务中心", credit_code=c.credit_code, region=county, is_local=True,
        contact_name=f"{tag}联系人", contact_phone="027-88886666")
    c.contract = pb.contract(county, c.org, stations=[c.station], actor=c.staff, number=contract_number,
                             title=f"{tag}社工站项目", starts_on=datetime.date(2025, 1, 1),
                             funding=[{"source": FundingSource.GENERAL_BUDGET, "amount": D("200000.00")},
                                      {"source": FundingSource.WELFARE_LOTTERY, "amount": D("100000.00")}])
    project_services.contract_record_filing(actor=c.staff, contract=c.contract, filed_on=datetime.date(2025, 1, 5),
                                            reference=f"{tag}备案号")
    c.installment = c.contract.installments.order_by("sequence").first()
    c.payment = project_services.payment_record(actor=c.staff, installment=c.installment,
                                                paid_on=datetime.date(2025, 1, 10), amount=D("1000.00"),
                                                reference=f"{tag}付款凭证")
    project_services.spending_set(actor=c.staff, region=county, year=2024, amount=D("9000000.00"),
                                  source=f"{tag}决算")
    project_services.minimum_wage_set(actor=c.staff, region=county, year=2024, monthly_amount=D("1900.00"),
                                      source=f"{tag}最低工资标准")
    c.old_contract = pb.contract(county, c.org, actor=c.staff, number=f"{contract_number}-OLD",
                                 title=f"{tag}旧项目", starts_on=datetime.date(2024, 1, 1))
    project_services.contract_mark_not_renewable(actor=c.staff, contract=c.old_contract, reason=f"{tag}不续约")
    # workforce
    c.workforce_document = wb.document(
        county, key=f"WF-{county.code[:6]}", title=f"{tag}人才政策", effective_from=datetime.date(2020, 1, 1),
        actor=root, rules={"qualification.deadline_years": (2, f"{tag}条款", f"{tag}两年内取得资质"),
                           "training.continuing_hours_per_year": (60, f"{tag}条款", f"{tag}每年60学时"),
                           "staffing.min_resident_social_workers": (2, f"{tag}条款", f"{tag}至少2名驻站社工")})
    wb.stipend(c.workforce_document, StipendKind.MONTHLY_BY_LEVEL, CertificateLevel.JUNIOR, "150.00",
               effective_from=datetime.date(2024, 1, 1), quote=f"{tag}补贴文件", actor=root)
    c.id_number = wb.id_number(id_region, "19900101", "123")
    c.person = wb.person(station=c.station, actor=c.staff, name=f"{tag}社工", id_number=c.id_number,
                         employer=c.org, notes=f"{tag}备注", major=f"{tag}专业", start_on=datetime.date(2024, 6, 1))
    c.employment = c.person.employments.get()
    c.certificate = wb.certify(c.person, CertificateLevel.JUNIOR, datetime.date(2024, 7, 1), number=certificate_number,
                               actor=c.staff)
    workforce_services.record_disclosure(user=c.staff, kind=DisclosureKind.PAGE, subject=c.person.name,
                                         person=c.person)
    c.training = wb.train(c.person, datetime.date(2025, 2, 1), 20, kind=TrainingKind.CONTINUING,
                          title=f"{tag}培训班", actor=c.staff)
    c.reported_figure = workforce_services.reported_figure_set(
        actor=root, region=county, metric=ReportedMetric.CERTIFIED_SOCIAL_WORKERS, year=2024, value=321,
        source=f"{tag}统计年报")
    # assessments: an evaluator organisation of the county scores, the county finalises
    c.evaluator_org = ab.organisation(county, name=f"{tag}评估中心")
    c.evaluator = builders.user(f"eval_{county.code[:6]}", Role.EVALUATOR, county, last_name=tag)
    OrganisationMember.objects.create(user=c.evaluator, organisation=c.evaluator_org)
    c.evaluation = assessment_services.evaluation_create(
        actor=c.staff, template=h.midterm, contract=c.contract, evaluator=c.evaluator_org,
        period_start=datetime.date(2025, 1, 1), period_end=datetime.date(2025, 6, 30))
    scores = {pk: (value, f"{tag}评分说明") for pk, (value, _comment) in ab.full_scores(h.midterm).items()}
    assessment_services.evaluation_save_scores(actor=c.evaluator, evaluation=c.evaluation, scores=scores,
                                               comments=f"{tag}总体评价")
    c.evidence = assessment_services.evidence_add(actor=c.evaluator, evaluation=c.evaluation,
                                                  file=SimpleUploadedFile(f"{tag}.pdf", PDF), title=f"{tag}附件")
    assessment_services.evaluation_submit(actor=c.evaluator, evaluation=c.evaluation)
    assessment_services.evaluation_finalise(actor=c.staff, evaluation=c.evaluation, on_date=datetime.date(2025, 7, 10))
    c.draft_evaluation = assessment_services.evaluation_create(
        actor=c.staff, template=h.midterm, contract=c.old_contract, evaluator=c.evaluator_org,
        period_start=datetime.date(2025, 7, 1), period_end=datetime.date(2025, 12, 31))
    assessment_services.evaluation_save_scores(actor=c.evaluator, evaluation=c.draft_evaluation, scores=scores,
                                               comments=f"{tag}草稿评价")
    # 我的任务: an export the county's staff ran (in-process here), its workbook kept for download
    c.job = jobs.start(user=c.staff, kind="export", title=f"导出：{tag}社工站名单",
                       params={"path": "/stations/export/", "page": "/stations/"})
    # The bell: a reminder the county's staff was sent, unread
    c.notice = Notification.objects.create(
        user=c.staff, kind=Notification.Kind.CONTRACT_ENDING, key=f"contract:{c.contract.pk}",
        day=datetime.date(2025, 12, 1), due_date=datetime.date(2025, 12, 4), title=f"{tag}合同即将到期",
        url="/projects/contracts/")
    return c


def build_county_a(h) -> SimpleNamespace:
    """County A (江岸区) with every kind of record, as the security tests read it."""
    return build_county(h, county=h.county_a, township_code="420102004", tag="江岸甲",
                        credit_body="52420102MJA000001", id_region="420102",
                        contract_number="JA-HT-0001", certificate_number="ZS-JA-0001")


def build_write_targets(h, c) -> None:
    """Records of county ``c`` in the states the workflow steps act on, for the write sweep
    (tests/security/test_write_sweep.py): a submitted report (to approve or return), a submitted
    evaluation (to finalise or return), the station's latest status record (to correct or void),
    and once per province a draft evaluation template (the admin edits templates while they are
    drafts)."""
    tag = c.tag
    lines = [rb.line(ServiceDomain.ELDERLY_CARE, TargetGroup.ELDERLY_IN_DIFFICULTY, person_times=12, home_visits=2)]
    c.report_submitted = rb.report(c.station, c.head, datetime.date(2025, 4, 1), lines=lines,
                                   submit_at=rb.at(2025, 5, 3), highlights=f"{tag}四月")
    c.submitted_evaluation = assessment_services.evaluation_create(
        actor=c.staff, template=h.midterm, contract=c.contract, evaluator=c.evaluator_org,
        period_start=datetime.date(2025, 7, 1), period_end=datetime.date(2025, 12, 31))
    scores = {pk: (value, f"{tag}下半年评分") for pk, (value, _comment) in ab.full_scores(h.midterm).items()}
    assessment_services.evaluation_save_scores(actor=c.evaluator, evaluation=c.submitted_evaluation, scores=scores,
                                               comments=f"{tag}下半年评价")
    assessment_services.evaluation_submit(actor=c.evaluator, evaluation=c.submitted_evaluation)
    c.status_reopened = c.station.status_changes.order_by("effective_on", "pk").last()  # to correct or void
    if not hasattr(h, "draft_template"):
        h.draft_template = ab.template(h.province, EvaluationKind.FINAL, publish=False, name="终期评估模板（草稿）")
        h.draft_dimension = h.draft_template.dimensions.order_by("order").first()


def build_cross_county_ties(h, own, other, *, credit_body: str) -> SimpleNamespace:
    """County ``own`` working with county ``other``'s organisations, as counties do: it buys a
    service from ``other``'s organisation (a contract of its own), and its staff entered an
    organisation registered in ``other`` (``added_in`` is ``own``'s county) that holds no contract.
    Both organisations are then visible to ``own``'s staff; neither is ``own``'s to change."""
    ties = SimpleNamespace()
    ties.contract = pb.contract(own.county, other.org, actor=h.root, number=f"{own.county.code[:6]}-CROSS",
                                title=f"{own.tag}跨区购买项目", starts_on=datetime.date(2025, 1, 1))
    # Entered before a county could register only its own county's organisations: the row as such
    # data stands (registered in ``other``, ``added_in`` ``own``'s county).
    ties.entered_org = project_services.organisation_create(
        actor=h.root, name=f"{other.tag}外地登记机构", credit_code=pb.credit_code(credit_body),
        region=other.county, is_local=True, contact_name=f"{other.tag}外地联系人")
    Organisation.objects.filter(pk=ties.entered_org.pk).update(added_in=own.county)
    ties.entered_org.refresh_from_db()
    return ties


def totp_code(device: TOTPDevice) -> str:
    """The device's authenticator-app code now, as the app shows it; the next time step's when
    this step's code was already taken (a device takes each time step once, and one step ahead
    is within its tolerance)."""
    device.refresh_from_db()
    step = (int(time.time()) - device.t0) // device.step + device.drift
    ahead = max(0, device.last_t + 1 - step)
    return f"{totp(device.bin_key, device.step, device.t0 - ahead * device.step, device.digits, device.drift):06d}"


def build_second_factor(c) -> None:
    """Two-factor sign-in in county ``c``, for the write sweep: its staff member ``c.staff`` has
    opened the enrolment page without confirming (an unconfirmed authenticator-app device, which
    asks nothing at sign-in), and a second staff member, ``c.enrolled``, has bound an app through
    the service: a confirmed device, recovery codes and the audited record of the enrolment."""
    c.pending_device = two_factor_services.totp_device_pending(user=c.staff)
    c.enrolled = builders.user(f"mfa_{c.county.code[:6]}", Role.COUNTY, c.county, last_name=c.tag,
                               first_name="科长")
    two_factor_services.enrolment_confirm(user=c.enrolled,
                                          code=totp_code(two_factor_services.totp_device_pending(user=c.enrolled)))
    c.totp_device = TOTPDevice.objects.get(user=c.enrolled, confirmed=True)
    c.static_device = StaticDevice.objects.get(user=c.enrolled)
    c.second_factor = SecondFactor.objects.get(user=c.enrolled)
