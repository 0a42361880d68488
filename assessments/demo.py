"""Demo data: Hubei's published evaluation templates; the demo contracts' mid-term and final
evaluations, scored by the demo evaluator organisation and confirmed by the county on their day
(``evaluate_contract``, which the projects demo calls as it builds each year's contract); and a
few evaluations for 远安县 in mixed states: last year's annual evaluation assigned to the
evaluator organisation and partly scored, so ``pinggu_jigou`` has work, and 宜昌市's spot check
of the county's contract waiting for ``yichang_shi`` to confirm it."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone

from assessments import services
from assessments.models import Dimension, EvaluationKind, EvaluationTemplate, Indicator
from core.audit import save_audited
from projects.models import Contract, InstallmentTrigger, Organisation, PaymentInstallment
from stations.models import Region, Station

D = Decimal
PROVINCE = "420000000000"
COUNTY = "420525000000"  # 远安县
HEAD_TOWNSHIP = "420525101000"  # 鸣凤镇

# dimension → weight, [(indicator, max score, guidance)]
PROJECT_LAYOUT = [
    ("行政监管", D("20"), [
        ("制度建设", D("10"), "有站点管理、服务、档案、财务等制度并上墙公示，得10分；每缺一项扣2分。"),
        ("台账档案", D("10"), "服务台账、居民需求档案和社会资源库完整，按月更新；抽查3份，每份不合格扣3分。"),
    ]),
    ("服务成效", D("40"), [
        ("服务指标完成", D("15"), "服务人次、入户走访、个案、小组、社区活动达到合同约定数量；按完成比例计分。"),
        ("重点人群覆盖", D("15"), "低保、特困、困难老人、困境儿童等重点对象建档率和走访率；低于80%酌情扣分。"),
        ("服务对象满意度", D("10"), "随机回访不少于10名服务对象，满意率90%以上得满分，每低5个百分点扣2分。"),
    ]),
    ("项目管理", D("25"), [
        ("人员配备与稳定", D("10"), "每站驻站社工不少于2名，持证或专业背景；期内人员流失每人扣2分。"),
        ("督导与培训", D("8"), "每月督导不少于1次，社工年度培训不少于60学时；按记录核实。"),
        ("资金使用规范", D("7"), "人员经费不低于90%，专款专用，票据齐全；发现违规使用不得分。"),
    ]),
    ("社会影响", D("15"), [
        ("志愿者与社区资源", D("8"), "动员志愿者、孵化社区社会组织、链接慈善资源情况。"),
        ("宣传与示范", D("7"), "在县级以上媒体宣传报道、获得表彰或形成可推广经验。"),
    ]),
]

STATION_LAYOUT = [
    ("行政监管", D("30"), [
        ("有场地", D("10"), "办公场所不少于40平方米，设个案室；统一悬挂“中国社会工作标识+××乡镇社会工作服务站”。"),
        ("有制度", D("10"), "工作制度、服务流程、安全管理制度齐全并上墙。"),
        ("有人员", D("10"), "至少1名站长、2名驻站社工，人员信息在系统中登记。"),
    ]),
    ("服务成效", D("30"), [
        ("有功能", D("15"), "开展社会救助、养老服务、儿童福利、社区治理等民政领域服务。"),
        ("有活动", D("15"), "挂牌后每月开展活动，服务台账可查。"),
    ]),
    ("项目管理", D("25"), [
        ("设备配置", D("10"), "配备电脑、档案柜、办公桌椅等必要设备。"),
        ("信息报送", D("15"), "按时报送月度工作简报，数据准确。"),
    ]),
    ("社会影响", D("15"), [
        ("群众知晓度", D("15"), "随机询问辖区居民10人，知晓社工站的不少于6人。"),
    ]),
]

TEMPLATES = [
    (EvaluationKind.MIDTERM, "湖北省乡镇（街道）社工站项目中期评估指标", PROJECT_LAYOUT),
    (EvaluationKind.FINAL, "湖北省乡镇（街道）社工站项目终期评估指标", PROJECT_LAYOUT),
    (EvaluationKind.ANNUAL, "湖北省乡镇（街道）社工站项目年度评估指标", PROJECT_LAYOUT),
    (EvaluationKind.STATION_ACCEPTANCE, "湖北省乡镇（街道）社工站“五有”验收标准", STATION_LAYOUT),
]


def seed_templates(*, stdout, context):
    """The province's published templates, and ``evaluate_contract`` for the contracts' evaluations."""
    admin = context["admin"]
    province = Region.objects.get(code=PROVINCE)
    templates = {kind: _template(admin, province, kind, name, layout) for kind, name, layout in TEMPLATES}
    context["templates"] = templates

    def evaluate_contract(*, actor, contract, kind, period_start, period_end, on_date):
        scorer, evaluator_org = context.get("pinggu_jigou"), context.get("evaluator_org")
        evaluation = services.evaluation_create(
            actor=actor, template=templates[kind], contract=contract, period_start=period_start,
            period_end=period_end, evaluator=evaluator_org if scorer is not None else None)
        services.evaluation_save_scores(actor=scorer or actor, evaluation=evaluation,
                                        scores=_scores(templates[kind], D("0.87")))
        services.evaluation_submit(actor=scorer or actor, evaluation=evaluation)
        return services.evaluation_finalise(actor=actor, evaluation=evaluation, on_date=on_date)

    context["evaluate_contract"] = evaluate_contract
    stdout.write(f"评估模板：{len(templates)} 个（湖北省，已发布）")


def seed(*, stdout, context):
    if "templates" not in context:
        seed_templates(stdout=stdout, context=context)
    templates = context["templates"]
    county_user = context["yuanan_xian"]
    last_year = timezone.localdate().year - 1
    contracts = Contract.objects.filter(purchaser__code=COUNTY).order_by("starts_on", "pk")
    contract = contracts.filter(starts_on__year=last_year).first() or contracts.first()
    if contract is None:
        contract = _contract(context["admin"])
    evaluator_org = context.get("evaluator_org")
    today = datetime.date(2025, 7, 10)
    year_end = datetime.date(contract.starts_on.year, 12, 31)

    # 1. Last year's annual evaluation, assigned to the evaluation centre and partly scored:
    #    pinggu_jigou's work.
    annual = services.evaluation_create(
        actor=county_user, template=templates[EvaluationKind.ANNUAL], contract=contract,
        period_start=contract.starts_on, period_end=year_end, evaluator=evaluator_org)
    if evaluator_org is not None:
        scorer = context["pinggu_jigou"]
        partial = dict(list(_scores(templates[EvaluationKind.ANNUAL], D("0.85")).items())[:4])
        services.evaluation_save_scores(actor=scorer, evaluation=annual, scores=partial)

    # 2. Station acceptance of 鸣凤镇, scored and finalised: the station meets the 五有 standard.
    station = Station.objects.filter(region__code=HEAD_TOWNSHIP).first()
    if station is not None:
        acceptance = services.evaluation_create(
            actor=county_user, template=templates[EvaluationKind.STATION_ACCEPTANCE], station=station,
            period_start=datetime.date(2025, 1, 1), period_end=datetime.date(2025, 6, 30))
        services.evaluation_save_scores(actor=county_user, evaluation=acceptance,
                                        scores=_scores(templates[EvaluationKind.STATION_ACCEPTANCE], D("0.92")))
        services.evaluation_submit(actor=county_user, evaluation=acceptance)
        services.evaluation_finalise(actor=county_user, evaluation=acceptance, on_date=today)

    # 3. Another station's acceptance, scored by the county and submitted: waiting to be confirmed.
    other = Station.objects.filter(region__code__startswith=COUNTY[:6]).exclude(region__code=HEAD_TOWNSHIP) \
        .order_by("region__code").first()
    if other is not None:
        waiting = services.evaluation_create(
            actor=county_user, template=templates[EvaluationKind.STATION_ACCEPTANCE], station=other,
            period_start=datetime.date(2025, 1, 1), period_end=datetime.date(2025, 6, 30))
        services.evaluation_save_scores(actor=county_user, evaluation=waiting,
                                        scores=_scores(templates[EvaluationKind.STATION_ACCEPTANCE], D("0.74")))
        services.evaluation_submit(actor=county_user, evaluation=waiting)

    # 4. 宜昌市's spot check (抽查) of the contract, scored by the city itself: the city confirms it.
    city_user = context.get("yichang_shi")
    if city_user is not None:
        spot_check = services.evaluation_create(
            actor=city_user, template=templates[EvaluationKind.MIDTERM], contract=contract,
            period_start=contract.starts_on, period_end=year_end)
        services.evaluation_save_scores(actor=city_user, evaluation=spot_check,
                                        scores=_scores(templates[EvaluationKind.MIDTERM], D("0.8")))
        services.evaluation_submit(actor=city_user, evaluation=spot_check)
    stdout.write("评估：远安县 3 个（评分中/待确认/已确认），宜昌市抽查 1 个（待市局确认），"
                 "另有各合同的中期、终期评估（已确认）")


def _template(actor, province, kind, name, layout) -> EvaluationTemplate:
    template = EvaluationTemplate(province=province, kind=kind, name=name,
                                  description="依据湖北省民政厅社工站建设有关文件制定。")
    save_audited(template, actor=actor)
    for order, (dimension_name, weight, indicators) in enumerate(layout, 1):
        dimension = Dimension(template=template, name=dimension_name, weight=weight, order=order)
        save_audited(dimension, actor=actor)
        for i_order, (indicator_name, maximum, guidance) in enumerate(indicators, 1):
            save_audited(Indicator(dimension=dimension, name=indicator_name, max_score=maximum, guidance=guidance,
                                   order=i_order), actor=actor)
    return services.template_publish(actor=actor, template=template)


def _scores(template, fraction) -> dict:
    return {i.pk: ((i.max_score * fraction).quantize(D("0.5")), "")
            for i in Indicator.objects.filter(dimension__template=template)}


def _contract(actor) -> Contract:
    """A minimal 远安县 contract, used only when the projects demo has made none."""
    from projects.demo import credit_code

    county = Region.objects.get(code=COUNTY)
    contractor = Organisation.objects.filter(region=county).first()
    if contractor is None:
        contractor = Organisation(name="远安县阳光社会工作服务中心", credit_code=credit_code("52420525MJY880017"),
                                  region=county, rating="3A", rating_year=2024)
        save_audited(contractor, actor=actor)
    contract = Contract(purchaser=county, contractor=contractor, number="YAXMZ-2025-GC-001",
                        title="远安县乡镇（街道）社工站运营服务项目（2025年度）", signed_on=datetime.date(2024, 12, 20),
                        starts_on=datetime.date(2025, 1, 1), ends_on=datetime.date(2025, 12, 31),
                        amount=D("960000.00"))
    save_audited(contract, actor=actor)
    contract.stations.set(Station.objects.filter(region__code__startswith=COUNTY[:6], kind="station"))
    schedule = [(InstallmentTrigger.EFFECTIVE, D("50"), D("480000.00")),
                (InstallmentTrigger.MIDTERM_PASSED, D("30"), D("288000.00")),
                (InstallmentTrigger.FINAL_PASSED, D("20"), D("192000.00"))]
    for sequence, (trigger, percentage, amount) in enumerate(schedule, 1):
        save_audited(PaymentInstallment(contract=contract, sequence=sequence, trigger=trigger,
                                        percentage=percentage, amount=amount), actor=actor)
    return contract
