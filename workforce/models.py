"""People who staff the stations, their assignments, certificates and training,
and the per-region rules (qualification, training, staffing, stipends) applied to them."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Case, F, OuterRef, Q, Subquery, When
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.scope import Scope, ScopedQuerySet, scope_of
from projects.models import Organisation
from stations.models import Region, Station, User, ancestor_codes
from workforce.validators import (
    birth_date_from_id,
    mask_id_number,
    normalise_id_number,
    validate_id_number,
)

FULL_ID_PERMISSION = "workforce.view_full_id_number"


class Gender(models.TextChoices):
    MALE = "M", _("男")
    FEMALE = "F", _("女")


class Education(models.IntegerChoices):
    """Ordered: a higher value is a higher level, so limits compare as numbers."""

    JUNIOR_HIGH = 1, _("初中及以下")
    SENIOR_HIGH = 2, _("高中（中专）")
    ASSOCIATE = 3, _("大专")
    BACHELOR = 4, _("本科")
    MASTER = 5, _("硕士研究生")
    DOCTOR = 6, _("博士研究生")


class CertificateLevel(models.IntegerChoices):
    JUNIOR = 1, _("助理社会工作师（初级）")
    INTERMEDIATE = 2, _("社会工作师（中级）")
    SENIOR = 3, _("高级社会工作师（高级）")


class EmploymentRole(models.TextChoices):
    STATION_HEAD = "station_head", _("站长")
    RESIDENT = "resident", _("驻站社工")
    PROJECT = "project", _("项目社工")
    SUPERVISOR = "supervisor", _("督导")
    CENTRE_STAFF = "centre_staff", _("指导中心工作人员")
    OTHER = "other", _("其他")


# Roles that do social work and so fall under the qualification and continuing-education rules.
FRONTLINE_ROLES = (EmploymentRole.STATION_HEAD, EmploymentRole.RESIDENT, EmploymentRole.PROJECT,
                   EmploymentRole.SUPERVISOR)
SOCIAL_WORKER_ROLES = (EmploymentRole.RESIDENT, EmploymentRole.PROJECT)


class TrainingKind(models.TextChoices):
    PRE_SERVICE = "pre_service", _("岗前培训")
    CONTINUING = "continuing", _("继续教育")
    SUPERVISION = "supervision", _("督导")
    EXAM_PREP = "exam_prep", _("考前辅导")
    PRACTICE = "practice", _("实务实习")


# "Recognised professional training" towards qualification: structured professional
# training only. Exam coaching and practice placements do not count.
RECOGNISED_TRAINING_KINDS = (TrainingKind.PRE_SERVICE, TrainingKind.CONTINUING, TrainingKind.SUPERVISION)
# Hours that count towards the yearly continuing-education requirement.
CONTINUING_EDUCATION_KINDS = (TrainingKind.CONTINUING, TrainingKind.SUPERVISION)


def placement_expressions(person, registered_code, on_date: datetime.date) -> dict:
    """How a person is placed on a date, as expressions over the row that ``person`` (an ``OuterRef``
    to the person's id) and ``registered_code`` (their registering region's code) refer to: the
    station and its region code (else the registering region's), and the first later start of an
    assignment, the day the placement may change (None: it cannot change by itself)."""
    started = Employment.objects.filter(person=person, start_on__lte=on_date).order_by("-start_on", "-pk")
    earliest = Employment.objects.filter(person=person).order_by("start_on", "pk")
    later = Employment.objects.filter(person=person, start_on__gt=on_date).order_by("start_on")
    return {
        "station": Coalesce(Subquery(started.values("station_id")[:1]), Subquery(earliest.values("station_id")[:1])),
        "region_code": Coalesce(Subquery(started.values("station__region__code")[:1]),
                                Subquery(earliest.values("station__region__code")[:1]), registered_code),
        "valid_until": Subquery(later.values("start_on")[:1]),
    }


class PersonQuerySet(ScopedQuerySet):
    """A person is placed by their current assignment on the day (the latest one
    started on or before it); with none current, by their earliest (future) assignment; with
    no assignment at all, by the region that registered them. County staff see the
    people placed in their county, station heads the people placed at their station.

    Today's placement is stored (:class:`Placement`), so that a province official's list is an
    indexed prefix match rather than the subqueries above for every person. A stored placement
    is used up to the day a later assignment starts; from then until it is refreshed it is worked
    out from the assignments again, so scope never depends on the daily refresh having run."""

    def with_placement(self, on_date: datetime.date | None = None):
        """Annotate ``placing_station_id`` and ``placing_region_code``."""
        today = timezone.localdate()
        on_date = on_date or today
        live = placement_expressions(OuterRef("pk"), F("registered_region__code"), on_date)
        if on_date != today:
            return self.annotate(placing_station_id=live["station"], placing_region_code=live["region_code"])
        stored = Q(placement__isnull=False) & (Q(placement__valid_until__isnull=True) | Q(
            placement__valid_until__gt=on_date))
        return self.annotate(
            placing_station_id=Case(When(stored, then=F("placement__station_id")), default=live["station"],
                                    output_field=models.BigIntegerField()),
            placing_region_code=Case(When(stored, then=F("placement__region_code")), default=live["region_code"],
                                     output_field=models.CharField()),
        )

    def scope_q(self, scope: Scope) -> Q | None:
        if scope.station_id:
            return Placement.objects.placed(station_id=scope.station_id)
        if scope.prefix:
            return Placement.objects.placed(region_prefix=scope.prefix)
        return super().scope_q(scope)


class Person(models.Model):
    name = models.CharField(_("姓名"), max_length=50)
    gender = models.CharField(_("性别"), max_length=1, choices=Gender.choices, blank=True)
    birth_date = models.DateField(_("出生日期"), null=True, blank=True)
    id_number = models.CharField(_("身份证号码"), max_length=18, unique=True, validators=[validate_id_number])
    phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    education = models.PositiveSmallIntegerField(_("学历"), choices=Education.choices, null=True, blank=True)
    major = models.CharField(_("所学专业"), max_length=100, blank=True)
    social_work_degree = models.BooleanField(
        _("社会工作专业学历"), default=False, help_text=_("持有社会工作专业大专及以上学历。"))
    local_hukou = models.BooleanField(_("本地户籍"), default=False)
    registered_region = models.ForeignKey(
        Region, verbose_name=_("登记区划"), on_delete=models.PROTECT, related_name="registered_people",
        help_text=_("登记此人的县（市、区）；尚无岗位安排时据此确定管辖。"),
    )
    notes = models.TextField(_("备注"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = PersonQuerySet.as_manager()
    history = HistoricalRecords(verbose_name=_("社工人员历史"))

    class Meta:
        verbose_name = _("社工人员")
        verbose_name_plural = _("社工人员")
        ordering = ["name", "pk"]
        permissions = [("view_full_id_number", _("查看和导出完整身份证号码"))]
        # Lists read the first page in this order without sorting every person (national: ~120,000).
        indexes = [models.Index(fields=["name", "id"], name="person_name_idx")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("workforce:person-detail", kwargs={"pk": self.pk})

    def clean(self):
        self.id_number = normalise_id_number(self.id_number)
        if len(self.id_number) == 18:
            born = birth_date_from_id(self.id_number)
            if born and self.birth_date is None:
                self.birth_date = born
            elif born and self.birth_date != born:
                raise ValidationError({"birth_date": _("出生日期与身份证号码不一致（证件显示 %(d)s）。") % {"d": born}})
            if self.id_number[16].isdigit():
                gender = Gender.MALE if int(self.id_number[16]) % 2 else Gender.FEMALE
                if not self.gender:
                    self.gender = gender
                elif self.gender != gender:
                    raise ValidationError({"gender": _("性别与身份证号码第17位不一致。")})

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.id_number)

    def age_on(self, on_date: datetime.date) -> int | None:
        if self.birth_date is None:
            return None
        born = self.birth_date
        return on_date.year - born.year - ((on_date.month, on_date.day) < (born.month, born.day))


class PersonChildQuerySet(ScopedQuerySet):
    """Certificates and training follow the person's visibility."""

    def visible_to(self, user):
        if scope_of(user).everything:
            return self.all()
        return self.filter(person__in=Person.objects.visible_to(user).values("pk"))


class EmploymentQuerySet(ScopedQuerySet):
    """An assignment is placed by its station: county A keeps seeing the past
    assignments at its stations (history of its rosters) after the person moved."""

    region_code_path = "station__region__code"
    station_path = "station_id"

    def active_on(self, on_date: datetime.date):
        return self.filter(Q(end_on__isnull=True) | Q(end_on__gte=on_date), start_on__lte=on_date)

    def overlapping(self, start: datetime.date, end: datetime.date):
        return self.filter(Q(end_on__isnull=True) | Q(end_on__gte=start), start_on__lte=end)


class Employment(models.Model):
    person = models.ForeignKey(Person, verbose_name=_("人员"), on_delete=models.CASCADE, related_name="employments")
    employer = models.ForeignKey(
        Organisation, verbose_name=_("用人机构"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="employments", help_text=_("承接机构；由民政部门直接聘用的可不填。"),
    )
    station = models.ForeignKey(
        Station, verbose_name=_("服务站点"), on_delete=models.PROTECT, related_name="employments",
        help_text=_("社工站、社工室或县级指导中心。"),
    )
    role = models.CharField(_("岗位"), max_length=20, choices=EmploymentRole.choices)
    start_on = models.DateField(_("到岗日期"))
    end_on = models.DateField(_("离岗日期"), null=True, blank=True)
    notes = models.CharField(_("备注"), max_length=200, blank=True)

    objects = EmploymentQuerySet.as_manager()
    history = HistoricalRecords(verbose_name=_("岗位安排历史"))

    class Meta:
        verbose_name = _("岗位安排")
        verbose_name_plural = _("岗位安排")
        ordering = ["person", "-start_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(end_on__isnull=True) | Q(end_on__gte=F("start_on")),
                                   name="employment_end_after_start"),
            models.UniqueConstraint(fields=["person", "station", "start_on"], name="employment_unique_start"),
        ]
        indexes = [models.Index(fields=["station", "start_on"], name="employment_station_start_idx"),
                   # A person's placement: their latest assignment started by a day, one index probe.
                   models.Index(fields=["person", "-start_on", "-id"], name="employment_person_latest_idx")]

    def __str__(self):
        return f"{self.person} · {self.station} · {self.get_role_display()}"

    def clean(self):
        if self.end_on and self.start_on and self.end_on < self.start_on:
            raise ValidationError({"end_on": _("离岗日期不能早于到岗日期。")})
        if self.person_id and self.station_id and self.start_on:
            clash = Employment.objects.filter(person_id=self.person_id, station_id=self.station_id).overlapping(
                self.start_on, self.end_on or datetime.date.max).exclude(pk=self.pk)
            if clash.exists():
                raise ValidationError({"start_on": _("此人在该站点已有时间重叠的岗位安排。")})

    def is_active_on(self, on_date: datetime.date) -> bool:
        return self.start_on <= on_date and (self.end_on is None or self.end_on >= on_date)


class PlacementQuerySet(models.QuerySet):
    def placed(self, *, station_id: int | None = None, region_prefix: str | None = None) -> Q:
        """A condition on people: placed today at the station or in the region. A stored placement
        holds until its ``valid_until``; past it the placement is worked out again from the person's
        assignments (until the daily refresh stores it anew). Two semi-joins rather than one with
        an OR, so that the planner costs the live subqueries only for the few stale rows."""
        today = timezone.localdate()
        registered = Subquery(Person.objects.filter(pk=OuterRef("person_id")).order_by()
                              .values("registered_region__code")[:1])
        live = placement_expressions(OuterRef("person_id"), registered, today)  # no join: only stale rows need it
        fresh = self.filter(Q(valid_until__isnull=True) | Q(valid_until__gt=today))
        stale = self.filter(valid_until__lte=today)
        if station_id is not None:
            fresh = fresh.filter(station_id=station_id)
            stale = stale.alias(live_station=live["station"]).filter(live_station=station_id)
        else:
            fresh = fresh.filter(region_code__startswith=region_prefix)
            stale = stale.alias(live_code=live["region_code"]).filter(live_code__startswith=region_prefix)
        return Q(pk__in=fresh.values("person_id")) | Q(pk__in=stale.values("person_id"))


class Placement(models.Model):
    """Where a person is placed, as worked out on the day it was stored (see :class:`PersonQuerySet`):
    kept by :mod:`workforce.placement` on every write of a person, an assignment or a station's
    township, and refreshed daily (``manage.py refresh_placements``) for assignments that begin."""

    person = models.OneToOneField(Person, primary_key=True, on_delete=models.CASCADE, related_name="placement")
    station = models.ForeignKey(Station, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    region_code = models.CharField(max_length=12)
    valid_until = models.DateField(null=True, blank=True)  # a later assignment starts: look again from then

    objects = PlacementQuerySet.as_manager()

    class Meta:
        verbose_name = _("人员归属")
        verbose_name_plural = _("人员归属")
        default_permissions = ()  # derived data: never edited, listed or exported on its own
        indexes = [
            models.Index(fields=["region_code"], name="placement_region_prefix_idx", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["valid_until"], name="placement_valid_until_idx"),
        ]

    def __str__(self):
        return f"{self.person_id} {self.region_code}"


class Certificate(models.Model):
    person = models.ForeignKey(Person, verbose_name=_("人员"), on_delete=models.CASCADE, related_name="certificates")
    level = models.PositiveSmallIntegerField(_("证书等级"), choices=CertificateLevel.choices)
    number = models.CharField(_("证书编号"), max_length=40, unique=True)
    obtained_on = models.DateField(_("取得日期"))

    objects = PersonChildQuerySet.as_manager()
    history = HistoricalRecords(verbose_name=_("职业水平证书历史"))

    class Meta:
        verbose_name = _("社会工作者职业水平证书")
        verbose_name_plural = _("社会工作者职业水平证书")
        ordering = ["person", "-level", "obtained_on"]

    def __str__(self):
        return f"{self.get_level_display()} {self.number}"

    def clean(self):
        self.number = (self.number or "").strip().upper()
        if self.obtained_on and self.obtained_on > timezone.localdate():
            raise ValidationError({"obtained_on": _("取得日期不能晚于今天。")})


class TrainingRecord(models.Model):
    person = models.ForeignKey(Person, verbose_name=_("人员"), on_delete=models.CASCADE, related_name="trainings")
    held_on = models.DateField(_("培训日期"))
    kind = models.CharField(_("培训类别"), max_length=20, choices=TrainingKind.choices)
    title = models.CharField(_("培训名称"), max_length=120)
    provider = models.CharField(_("培训机构"), max_length=120, blank=True)
    hours = models.DecimalField(_("学时"), max_digits=6, decimal_places=1,
                                validators=[MinValueValidator(Decimal(0), message=_("学时不能为负数。"))])

    objects = PersonChildQuerySet.as_manager()
    history = HistoricalRecords(verbose_name=_("培训记录历史"))

    class Meta:
        verbose_name = _("培训记录")
        verbose_name_plural = _("培训记录")
        ordering = ["person", "-held_on", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(hours__gte=0), name="training_hours_non_negative"),
            models.UniqueConstraint(fields=["person", "held_on", "kind", "title"], name="training_unique_session"),
        ]

    def __str__(self):
        return f"{self.held_on} {self.title}（{self.hours}）"


class RegionPolicyQuerySet(ScopedQuerySet):
    """Policies of the user's region, its ancestors (which apply to it) and its descendants."""

    region_code_path = "region__code"

    def scope_q(self, scope: Scope) -> Q | None:
        if scope.prefix:
            return Q(region__code__startswith=scope.prefix) | Q(region__code__in=ancestor_codes(scope.prefix))
        if scope.station_id:
            station = Station.objects.filter(pk=scope.station_id).values_list("region__code", flat=True).first()
            return Q(region__code__in=ancestor_codes(station)) if station else None
        return None

    def applying_to(self, code: str):
        """Rows set for the region with this 12-digit code or any of its ancestors, nearest first."""
        return self.filter(region__code__in=ancestor_codes(code)).order_by("-region__code")


class StaffingMode(models.TextChoices):
    HEAD_AND_WORKERS = "head_and_workers", _("站长 + 社工（如1名站长+2名社工）")
    RESIDENT_WORKERS = "resident_workers", _("驻站社工人数（如不少于2名）")


class WorkforcePolicy(models.Model):
    """Thresholds a region sets for its workforce; the nearest ancestor's policy applies,
    the defaults (from the provincial documents) when no region sets one."""

    region = models.OneToOneField(Region, verbose_name=_("适用区划"), on_delete=models.PROTECT,
                                  related_name="workforce_policy")
    qualification_training_hours = models.DecimalField(
        _("取得专业资质所需认可培训学时"), max_digits=6, decimal_places=1, default=Decimal(60),
        validators=[MinValueValidator(Decimal(0))])
    qualification_deadline_years = models.PositiveSmallIntegerField(
        _("入职后取得专业资质期限（年）"), default=2, validators=[MinValueValidator(1), MaxValueValidator(10)])
    deadline_warning_days = models.PositiveSmallIntegerField(_("期限预警天数"), default=90)
    continuing_education_hours = models.DecimalField(
        _("每年继续教育学时"), max_digits=6, decimal_places=1, default=Decimal(60),
        validators=[MinValueValidator(Decimal(0))])
    max_hiring_age = models.PositiveSmallIntegerField(_("招聘年龄上限（周岁）"), default=45,
                                                      validators=[MinValueValidator(16), MaxValueValidator(70)])
    min_education = models.PositiveSmallIntegerField(_("最低学历"), choices=Education.choices,
                                                     default=Education.ASSOCIATE)
    supervisor_min_level = models.PositiveSmallIntegerField(
        _("督导最低证书等级"), choices=CertificateLevel.choices, default=CertificateLevel.INTERMEDIATE)
    staffing_mode = models.CharField(_("站点配备标准"), max_length=20, choices=StaffingMode.choices,
                                     default=StaffingMode.HEAD_AND_WORKERS)
    min_station_heads = models.PositiveSmallIntegerField(_("每站站长人数"), default=1)
    min_social_workers = models.PositiveSmallIntegerField(_("每站社工人数（不含站长）"), default=2)
    min_resident_social_workers = models.PositiveSmallIntegerField(_("每站驻站社工人数"), default=2)
    source = models.CharField(_("政策依据"), max_length=200, blank=True)

    objects = RegionPolicyQuerySet.as_manager()
    history = HistoricalRecords(verbose_name=_("人才政策历史"))

    class Meta:
        verbose_name = _("社工人才政策")
        verbose_name_plural = _("社工人才政策")
        ordering = ["region__code"]

    def __str__(self):
        return _("%(region)s社工人才政策") % {"region": self.region} if self.region_id else str(_("默认社工人才政策"))


class StipendKind(models.TextChoices):
    MONTHLY_BY_LEVEL = "monthly_level", _("持证津贴（按月，按证书等级）")
    MONTHLY_POST = "monthly_post", _("岗位补贴（按月，按证书等级）")
    ONE_OFF_AWARD = "one_off_award", _("取证一次性奖励（按等级）")


MONTHLY_STIPEND_KINDS = (StipendKind.MONTHLY_BY_LEVEL, StipendKind.MONTHLY_POST)


class StipendPolicy(models.Model):
    """One rate: a region pays ``amount`` yuan of a kind for a certificate level from a date.
    For one kind and level the nearest region's rate in force applies."""

    region = models.ForeignKey(Region, verbose_name=_("适用区划"), on_delete=models.PROTECT,
                               related_name="stipend_policies")
    kind = models.CharField(_("补贴类别"), max_length=20, choices=StipendKind.choices)
    level = models.PositiveSmallIntegerField(_("证书等级"), choices=CertificateLevel.choices)
    amount = models.DecimalField(_("金额（元）"), max_digits=14, decimal_places=2,
                                 validators=[MinValueValidator(Decimal(0), message=_("金额不能为负数。"))])
    effective_from = models.DateField(_("生效日期"))
    effective_to = models.DateField(_("截止日期"), null=True, blank=True)
    source = models.CharField(_("政策依据"), max_length=200, blank=True)

    objects = RegionPolicyQuerySet.as_manager()
    history = HistoricalRecords(verbose_name=_("补贴标准历史"))

    class Meta:
        verbose_name = _("社工补贴标准")
        verbose_name_plural = _("社工补贴标准")
        ordering = ["region__code", "kind", "level", "effective_from"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="stipend_amount_non_negative"),
            models.CheckConstraint(condition=Q(effective_to__isnull=True) | Q(effective_to__gte=F("effective_from")),
                                   name="stipend_period_order"),
            models.UniqueConstraint(fields=["region", "kind", "level", "effective_from"], name="stipend_unique_start"),
        ]

    def __str__(self):
        return f"{self.region} {self.get_kind_display()} {self.get_level_display()} {self.amount}"

    def clean(self):
        if self.effective_to and self.effective_from and self.effective_to < self.effective_from:
            raise ValidationError({"effective_to": _("截止日期不能早于生效日期。")})
        if self.region_id and self.kind and self.level and self.effective_from:
            end = self.effective_to or datetime.date.max
            clash = StipendPolicy.objects.filter(region_id=self.region_id, kind=self.kind, level=self.level).filter(
                Q(effective_to__isnull=True) | Q(effective_to__gte=self.effective_from),
                effective_from__lte=end).exclude(pk=self.pk)
            if clash.exists():
                raise ValidationError(_("该区划同一类别、同一等级的补贴标准在此期间已有一条，请先为旧标准填写截止日期。"))

    def in_force_on(self, on_date: datetime.date) -> bool:
        return self.effective_from <= on_date and (self.effective_to is None or self.effective_to >= on_date)



class DisclosureKind(models.TextChoices):
    PAGE = "page", _("页面显示")
    EXPORT = "export", _("导出")


class IdNumberDisclosure(models.Model):
    """One showing or export of full ID-card numbers: who, when, whose record or which export.
    Written by the disclosing screen only; read-only everywhere else."""

    user = models.ForeignKey(User, verbose_name=_("查看人"), on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("时间"), auto_now_add=True)
    kind = models.CharField(_("方式"), max_length=10, choices=DisclosureKind.choices)
    person = models.ForeignKey(Person, verbose_name=_("人员"), on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="+")
    subject = models.CharField(_("内容"), max_length=200, help_text=_("人员姓名，或导出的名称和条件。"))
    count = models.PositiveIntegerField(_("身份证号码个数"), default=1)

    class Meta:
        verbose_name = _("完整身份证号码查看记录")
        verbose_name_plural = _("完整身份证号码查看记录")
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"{self.user} · {self.subject}"
