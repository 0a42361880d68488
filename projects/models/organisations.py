"""Social work organisations: contractors (承接主体) and evaluating organisations."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.scope import Scope, ScopedQuerySet
from projects.validators import validate_credit_code
from stations.models import Region


class Rating(models.TextChoices):
    A1 = "1A", "1A"
    A2 = "2A", "2A"
    A3 = "3A", "3A"
    A4 = "4A", "4A"
    A5 = "5A", "5A"


class OrganisationQuerySet(ScopedQuerySet):
    """Organisations registered in the user's region, entered by its staff, added by it from
    elsewhere (:class:`KnownOrganisation`), or holding a contract bought there; an evaluator sees
    their own organisation. Seeing is not changing: see ``projects.permissions``."""

    region_code_path = "region__code"
    scope_needs_distinct = True

    def scope_q(self, scope: Scope) -> Q | None:
        if scope.prefix:
            return (Q(region__code__startswith=scope.prefix) | Q(added_in__code__startswith=scope.prefix)
                    | Q(known_in__region__code__startswith=scope.prefix)
                    | Q(contracts__purchaser__code__startswith=scope.prefix))
        if scope.organisation_id:
            return Q(pk=scope.organisation_id)
        if scope.station_id:
            return Q(contracts__stations__pk=scope.station_id)
        return None

    def local_to(self, county: Region):
        """Organisations registered in the county and marked local."""
        return self.filter(is_local=True, region__code__startswith=county.prefix)


class Organisation(models.Model):
    """A social work organisation (承接主体 or evaluator), keyed by its credit code."""

    name = models.CharField(_("机构名称"), max_length=200)
    credit_code = models.CharField(
        _("统一社会信用代码"), max_length=18, unique=True, validators=[validate_credit_code],
        error_messages={"unique": _("该统一社会信用代码已被登记，不能重复使用。")},
    )
    region = models.ForeignKey(
        Region, verbose_name=_("登记地"), on_delete=models.PROTECT, related_name="organisations"
    )
    added_in = models.ForeignKey(
        Region, verbose_name=_("录入单位所在区划"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", help_text=_("录入该机构的民政部门，机构对其可见（不能据此修改）。"),
    )
    is_local = models.BooleanField(_("本地机构"), default=True)
    rating = models.CharField(_("评估等级"), max_length=2, choices=Rating.choices, blank=True)
    rating_year = models.PositiveSmallIntegerField(
        _("评级年度"), null=True, blank=True, validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    has_party_organisation = models.BooleanField(_("建有党组织"), default=False)
    contact_name = models.CharField(_("联系人"), max_length=50, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=30, blank=True)

    objects = OrganisationQuerySet.as_manager()
    history = HistoricalRecords(verbose_name=_("机构历史"))

    class Meta:
        verbose_name = _("社会工作服务机构")
        verbose_name_plural = _("社会工作服务机构")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("projects:organisation-detail", kwargs={"pk": self.pk})

    def validate_unique(self, exclude=None):
        # A credit code already taken is refused by the organisation services (and the admin form)
        # with one wording whoever holds it, so that the answer tells nobody whether an organisation
        # out of their sight exists or where. The database constraint still holds.
        super().validate_unique(exclude={*(exclude or ()), "credit_code"})

    def clean(self):
        if self.credit_code:
            self.credit_code = self.credit_code.strip().upper()
        if self.rating and not self.rating_year:
            raise ValidationError({"rating_year": _("填写评估等级时须注明评级年度。")})
        if self.rating_year and not self.rating:
            raise ValidationError({"rating": _("填写评级年度时须选择评估等级。")})


class KnownOrganisationQuerySet(ScopedQuerySet):
    region_code_path = "region__code"


class KnownOrganisation(models.Model):
    """An organisation registered elsewhere that a county has added to those it may contract, by
    entering its credit code and exact name. The county then sees it (and may contract it) but
    does not change it: that stays with the bureau where it is registered."""

    region = models.ForeignKey(
        Region, verbose_name=_("添加单位所在区划"), on_delete=models.PROTECT, related_name="+"
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("机构"), on_delete=models.CASCADE, related_name="known_in"
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("添加人"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )
    added_at = models.DateTimeField(_("添加时间"), auto_now_add=True)

    objects = KnownOrganisationQuerySet.as_manager()
    history = HistoricalRecords(verbose_name=_("外地机构添加记录历史"))

    class Meta:
        verbose_name = _("添加的外地机构")
        verbose_name_plural = _("添加的外地机构")
        ordering = ["region", "organisation"]
        constraints = [
            models.UniqueConstraint(fields=["region", "organisation"], name="known_organisation_once_per_region"),
        ]

    def __str__(self):
        return f"{self.region} · {self.organisation}"


class OrganisationMember(models.Model):
    """Ties an evaluator's login to the evaluating organisation they work for."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("用户"), on_delete=models.CASCADE,
        related_name="organisation_membership",
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("机构"), on_delete=models.PROTECT, related_name="members"
    )

    class Meta:
        verbose_name = _("机构用户")
        verbose_name_plural = _("机构用户")

    def __str__(self):
        return f"{self.user} @ {self.organisation}"
