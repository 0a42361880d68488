"""django-import-export resources for organisations and contracts (natural keys: credit code,
contract number). Contract rows are written through the contract services, so funding lines,
the payment schedule, overlaps, renewals and the region's rules are checked exactly as on screen."""

from __future__ import annotations

import re

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from import_export import fields, widgets

from core.dates import PROVISIONAL_NOTE, is_provisional, official_calendar
from core.importing import (
    BooleanWidget,
    ChoiceWidget,
    DateWidget,
    DecimalWidget,
    IntegerWidget,
    ScopedForeignKeyWidget,
    ScopedModelResource,
)
from projects import services
from projects.models import Contract, FundingSource, Organisation, Rating
from stations.models import Region, RegionLevel, Station, StationKind

FUNDING_COLUMNS = {source: f"{label}（元）" for source, label in FundingSource.choices}
STATIONS_COLUMN = "覆盖站点（乡镇代码）"
CODE_SEPARATORS = re.compile(r"[\s,，;；、]+")


class RegionCodeWidget(widgets.ForeignKeyWidget):
    """A registering region by its code (2/4/6 or 12 digits). Registration places are public
    reference data; whether the user may register an organisation there is the service's answer."""

    def __init__(self):
        super().__init__(Region, field="code")

    def clean(self, value, row=None, **kwargs):
        if value in (None, ""):
            return None
        text = str(int(value)) if isinstance(value, float) and value.is_integer() else str(value).strip()
        region = Region.objects.by_code_or_prefix(text).filter(
            level__in=[RegionLevel.PROVINCE, RegionLevel.CITY, RegionLevel.COUNTY]).first()
        if region is None:
            raise ValueError(_("找不到登记地区划代码“%(value)s”（应为省、市或县级代码）。") % {"value": value})
        return region


class OrganisationResource(ScopedModelResource):
    credit_code = fields.Field(attribute="credit_code", column_name="统一社会信用代码", widget=widgets.CharWidget())
    name = fields.Field(attribute="name", column_name="机构名称")
    region = fields.Field(attribute="region", column_name="登记地区划代码", widget=RegionCodeWidget())
    is_local = fields.Field(attribute="is_local", column_name="本地机构", widget=BooleanWidget())
    rating = fields.Field(attribute="rating", column_name="评估等级", widget=ChoiceWidget(Rating.choices))
    rating_year = fields.Field(attribute="rating_year", column_name="评级年度", widget=IntegerWidget())
    has_party_organisation = fields.Field(attribute="has_party_organisation", column_name="建有党组织",
                                          widget=BooleanWidget())
    contact_name = fields.Field(attribute="contact_name", column_name="联系人")
    contact_phone = fields.Field(attribute="contact_phone", column_name="联系电话", widget=widgets.CharWidget())

    class Meta(ScopedModelResource.Meta):
        model = Organisation
        import_id_fields = ("credit_code",)
        fields = ("credit_code", "name", "region", "is_local", "rating", "rating_year", "has_party_organisation",
                  "contact_name", "contact_phone")

    def before_import_row(self, row, **kwargs):
        if row.get("统一社会信用代码"):
            row["统一社会信用代码"] = str(row["统一社会信用代码"]).strip().upper()

    def import_instance(self, instance, row, **kwargs):
        super().import_instance(instance, row, **kwargs)
        for attribute in ("contact_name", "contact_phone"):
            if getattr(instance, attribute) is None:
                setattr(instance, attribute, "")
        if instance.is_local is None:
            instance.is_local = True
        if instance.has_party_organisation is None:
            instance.has_party_organisation = False

    def save_instance(self, instance, is_create, row, **kwargs):
        """Through the services: a row may register an organisation only in the user's own county,
        and update only one registered there (one merely in sight, say contracted here, is refused)."""
        data = {key: getattr(instance, key) for key in services.organisations.ORGANISATION_FIELDS}
        try:
            if is_create:
                instance.pk = services.organisation_create(actor=self.user, **data).pk
            else:
                services.organisation_update(actor=self.user, organisation=Organisation.objects.get(pk=instance.pk),
                                             **data)
        except PermissionDenied as exc:
            raise ValidationError({NON_FIELD_ERRORS: [str(exc)]}) from exc


class StationsWidget(widgets.Widget):
    def render(self, value, obj=None, **kwargs):
        if value is None or getattr(getattr(value, "instance", None), "pk", None) is None:
            return ""
        return "、".join(s.region.code[:9] for s in value.select_related("region").order_by("region__code"))


class ContractResource(ScopedModelResource):
    number = fields.Field(attribute="number", column_name="合同编号", widget=widgets.CharWidget())
    title = fields.Field(attribute="title", column_name="项目名称")
    purchaser = fields.Field(attribute="purchaser", column_name="购买方区划代码",
                             widget=ScopedForeignKeyWidget(Region, "code", label="购买方区划"))
    contractor = fields.Field(attribute="contractor", column_name="承接机构信用代码",
                              widget=ScopedForeignKeyWidget(Organisation, "credit_code", label="承接机构"))
    contractor_name = fields.Field(attribute="contractor__name", column_name="承接机构名称", readonly=True)
    stations = fields.Field(attribute="stations", column_name=STATIONS_COLUMN, readonly=True, widget=StationsWidget())
    award_notice_on = fields.Field(attribute="award_notice_on", column_name="中标通知日期", widget=DateWidget())
    signed_on = fields.Field(attribute="signed_on", column_name="签订日期", widget=DateWidget())
    starts_on = fields.Field(attribute="starts_on", column_name="服务开始日期", widget=DateWidget())
    ends_on = fields.Field(attribute="ends_on", column_name="服务结束日期", widget=DateWidget())
    amount = fields.Field(attribute="amount", column_name="合同金额（元）", widget=DecimalWidget())
    personnel_cost = fields.Field(attribute="personnel_cost", column_name="人员费用（元）", widget=DecimalWidget())
    operations_cost = fields.Field(attribute="operations_cost", column_name="运营费用（元）", widget=DecimalWidget())
    other_cost = fields.Field(attribute="other_cost", column_name="其他费用（元）", widget=DecimalWidget())
    monthly_wage = fields.Field(attribute="monthly_wage", column_name="驻站社工月工资（元/人）", widget=DecimalWidget())
    social_workers_per_station = fields.Field(attribute="social_workers_per_station", column_name="每站驻站社工人数",
                                              widget=IntegerWidget())
    previous = fields.Field(attribute="previous", column_name="续签自合同编号",
                            widget=ScopedForeignKeyWidget(Contract, "number", label="上一期合同"))
    filed_on = fields.Field(attribute="filed_on", column_name="备案日期", widget=DateWidget())
    filing_reference = fields.Field(attribute="filing_reference", column_name="备案编号", widget=widgets.CharWidget())
    # The filing deadline is derived: exported (marked where it counts through holiday arrangements not
    # yet published), ignored when a file is imported again.
    filing_due_on = fields.Field(attribute="filing_due_on", column_name="备案截止日期", readonly=True,
                                 widget=DateWidget())
    filing_due_note = fields.Field(column_name="备案截止日期说明", readonly=True)
    # Funding lines: one column per source, read from the row by save_instance.
    funding_social_assistance = fields.Field(column_name=FUNDING_COLUMNS["social_assistance"], readonly=True)
    funding_welfare_lottery = fields.Field(column_name=FUNDING_COLUMNS["welfare_lottery"], readonly=True)
    funding_general_budget = fields.Field(column_name=FUNDING_COLUMNS["general_budget"], readonly=True)
    funding_city_subsidy = fields.Field(column_name=FUNDING_COLUMNS["city_subsidy"], readonly=True)
    funding_charity = fields.Field(column_name=FUNDING_COLUMNS["charity"], readonly=True)
    funding_other = fields.Field(column_name=FUNDING_COLUMNS["other"], readonly=True)

    class Meta(ScopedModelResource.Meta):
        model = Contract
        import_id_fields = ("number",)
        fields = ("number", "title", "purchaser", "contractor", "contractor_name", "stations", "award_notice_on",
                  "signed_on", "starts_on", "ends_on", "amount", "funding_social_assistance",
                  "funding_welfare_lottery", "funding_general_budget", "funding_city_subsidy", "funding_charity",
                  "funding_other", "personnel_cost", "operations_cost", "other_cost", "monthly_wage",
                  "social_workers_per_station", "previous", "filed_on", "filing_reference", "filing_due_on",
                  "filing_due_note")

    def dehydrate_filing_due_note(self, contract):
        if not hasattr(self, "_calendar"):
            self._calendar = official_calendar()  # read once for the whole export
        return str(PROVISIONAL_NOTE) if is_provisional(contract.signed_on, contract.filing_due_on, self._calendar) else ""

    def _funding_amount(self, contract: Contract, source: str):
        if contract.pk is None:
            return None
        line = next((f for f in contract.funding_lines.all() if f.source == source), None)
        return line.amount if line else None

    def dehydrate_funding_social_assistance(self, contract):
        return self._funding_amount(contract, FundingSource.SOCIAL_ASSISTANCE)

    def dehydrate_funding_welfare_lottery(self, contract):
        return self._funding_amount(contract, FundingSource.WELFARE_LOTTERY)

    def dehydrate_funding_general_budget(self, contract):
        return self._funding_amount(contract, FundingSource.GENERAL_BUDGET)

    def dehydrate_funding_city_subsidy(self, contract):
        return self._funding_amount(contract, FundingSource.CITY_SUBSIDY)

    def dehydrate_funding_charity(self, contract):
        return self._funding_amount(contract, FundingSource.CHARITY)

    def dehydrate_funding_other(self, contract):
        return self._funding_amount(contract, FundingSource.OTHER)

    def before_import_row(self, row, **kwargs):
        value = row.get("购买方区划代码")
        if isinstance(value, float) and value.is_integer():
            row["购买方区划代码"] = str(int(value))
        elif value not in (None, ""):
            code = str(value).strip()
            row["购买方区划代码"] = code.ljust(12, "0") if code.isdigit() and len(code) in (4, 6) else code

    def import_instance(self, instance, row, **kwargs):
        super().import_instance(instance, row, **kwargs)
        if instance.filing_reference is None:
            instance.filing_reference = ""

    def _funding(self, row) -> list[dict] | None:
        lines = []
        for source, column in FUNDING_COLUMNS.items():
            try:
                amount = DecimalWidget().clean(row.get(column))
            except ValueError as exc:
                raise ValidationError({column: str(exc)}) from exc
            if amount:
                lines.append({"source": source, "amount": amount})
        return lines

    def _stations(self, row) -> list[Station]:
        value = row.get(STATIONS_COLUMN)
        if isinstance(value, float) and value.is_integer():
            value = str(int(value))
        codes = [c for c in CODE_SEPARATORS.split(str(value or "").strip()) if c]
        stations = []
        for code in codes:
            station = Station.objects.visible_to(self.user).filter(
                region__code=code.ljust(12, "0"), kind=StationKind.TOWNSHIP_STATION).first()
            if station is None:
                raise ValidationError({STATIONS_COLUMN: _("找不到乡镇代码“%(code)s”的社工站，或不在您的管辖范围内。")
                                       % {"code": code}})
            stations.append(station)
        return stations

    def skip_row(self, instance, original, row, import_validation_errors=None):
        if not super().skip_row(instance, original, row, import_validation_errors):
            return False
        if original is None or original.pk is None:
            return False
        try:
            funding = {(line["source"], line["amount"]) for line in self._funding(row)}
            stations = {s.pk for s in self._stations(row)}
        except ValidationError:
            return False
        return (funding == {(f.source, f.amount) for f in original.funding_lines.all()}
                and stations == set(original.stations.values_list("pk", flat=True)))

    def save_instance(self, instance, is_create, row, **kwargs):
        data = {key: getattr(instance, key) for key in services.contracts.CONTRACT_FIELDS
                if key not in ("service_domains", "target_groups", "renewable", "not_renewable_reason")}
        funding, stations = self._funding(row), self._stations(row)
        try:
            if is_create:
                instance.pk = services.contract_create(actor=self.user, stations=stations, funding_lines=funding,
                                                       **data).pk
            else:
                services.contract_update(actor=self.user, contract=Contract.objects.get(pk=instance.pk),
                                         stations=stations, funding_lines=funding or None, **data)
        except PermissionDenied as exc:
            raise ValidationError({"购买方区划代码": str(exc)}) from exc
        except ValidationError as exc:
            raise ValidationError(_column_errors(exc)) from exc


SERVICE_ERROR_COLUMNS = {"funding_lines": "资金来源", "installments": "付款计划", "stations": STATIONS_COLUMN}


def _column_errors(error: ValidationError) -> dict:
    if not hasattr(error, "error_dict"):
        return {NON_FIELD_ERRORS: error.messages}
    return {SERVICE_ERROR_COLUMNS.get(key, key): messages for key, messages in error.message_dict.items()}
