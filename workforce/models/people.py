"""People who staff the stations, who may see their full ID numbers, and the record of each disclosure."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Case, F, OuterRef, Q, When
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.scope import Scope, ScopedQuerySet, scope_of
from stations.models import Region, User
from workforce.models.choices import DisclosureKind, Education, Gender
from workforce.validators import (
    birth_date_from_id,
    birth_year,
    mask_id_number,
    normalise_id_number,
    validate_id_number,
)

FULL_ID_PERMISSION = "workforce.view_full_id_number"
# The one answer to an ID number already registered, wherever it is asked (screens, admin, imports)
# and whoever holds it: it names nobody and reads the same whether or not the asking user may see
# the holder, so it tells a county nothing about another county's register.
ID_NUMBER_TAKEN = _("该身份证号码已登记，不能重复登记。如此人已在本地登记，请在人员名单中查找；如需从外地调入，请联系上级民政部门。")


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
        from workforce.models.placements import placement_expressions  # placements build on people

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
        from workforce.models.placements import Placement  # placements build on people

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

    def unique_error_message(self, model_class, unique_check):
        if tuple(unique_check) == ("id_number",):
            return ValidationError(ID_NUMBER_TAKEN, code="unique")
        return super().unique_error_message(model_class, unique_check)

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.id_number)

    @property
    def birth_year(self) -> str:
        """Shown instead of the birth date wherever the ID number is masked (see ``birth_year``)."""
        return birth_year(self.birth_date)

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
