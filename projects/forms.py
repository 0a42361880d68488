"""Input validation for the projects screens; the rules themselves live in the services."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.params import BoundedModelMultipleChoiceField
from core.scope import scope_of
from projects.models import (
    Contract,
    FundingSource,
    InstallmentTrigger,
    Organisation,
    PaymentInstallment,
    ServiceDomain,
    TargetGroup,
)
from projects.services.organisations import REGISTER_ELSEWHERE
from projects.validators import validate_credit_code
from stations.models import Region, RegionLevel, Station


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class OrganisationForm(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = ["name", "credit_code", "region", "is_local", "rating", "rating_year", "has_party_organisation",
                  "contact_name", "contact_phone"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the bureau where an organisation is registered keeps it: a county registers the ones
        # registered in the county; one registered elsewhere is added by its credit code and name.
        regions = Region.objects.filter(level__in=[RegionLevel.PROVINCE, RegionLevel.CITY, RegionLevel.COUNTY])
        scope = scope_of(user)
        if not scope.everything:
            regions = regions.filter(code__startswith=scope.prefix) if scope.prefix else regions.none()
        region = self.fields["region"]
        region.queryset = regions.order_by("code")
        region.error_messages["invalid_choice"] = REGISTER_ELSEWHERE
        region.help_text = _("外地机构由其登记地民政部门登记；已登记的外地机构请用“添加外地机构”选用。")
        home = user.home_region
        if home and not self.instance.pk:
            region.initial = home.pk

    def _post_clean(self):
        # The service runs full_clean; the form only checks its own fields here.
        pass


class KnownOrganisationForm(forms.Form):
    """An organisation registered elsewhere, named by its credit code and its exact registered name."""

    credit_code = forms.CharField(label=_("统一社会信用代码"), validators=[validate_credit_code],
                                  widget=forms.TextInput(attrs={"maxlength": 18, "autocomplete": "off"}),
                                  help_text=_("18位，与机构登记证书上的一致。"))
    name = forms.CharField(label=_("机构名称"), max_length=200, help_text=_("须与登记的机构名称完全一致。"))

    def clean_credit_code(self):
        return self.cleaned_data["credit_code"].strip().upper()


class ContractForm(forms.ModelForm):
    service_domains = forms.MultipleChoiceField(label=_("服务领域"), choices=ServiceDomain.choices, required=False,
                                                widget=forms.CheckboxSelectMultiple)
    target_groups = forms.MultipleChoiceField(label=_("服务对象"), choices=TargetGroup.choices, required=False,
                                              widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = Contract
        fields = ["number", "title", "purchaser", "contractor", "stations", "service_domains", "target_groups",
                  "award_notice_on", "signed_on", "starts_on", "ends_on", "amount", "personnel_cost",
                  "operations_cost", "other_cost", "monthly_wage", "social_workers_per_station", "previous"]
        field_classes = {"stations": BoundedModelMultipleChoiceField}
        widgets = {
            "stations": forms.CheckboxSelectMultiple,
            "award_notice_on": DateInput(), "signed_on": DateInput(), "starts_on": DateInput(),
            "ends_on": DateInput(),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["purchaser"].queryset = Region.objects.visible_to(user).filter(
            level__in=[RegionLevel.COUNTY, RegionLevel.CITY]).order_by("code")
        if user.home_region and user.home_region.level == RegionLevel.COUNTY and not self.instance.pk:
            self.fields["purchaser"].initial = user.home_region.pk
        self.fields["contractor"].queryset = Organisation.objects.visible_to(user)
        self.fields["contractor"].help_text = _("外地机构不在列表中时，请先用“添加外地机构”输入其统一社会信用代码和名称。")
        self.fields["stations"].queryset = Station.objects.visible_to(user).select_related("region").order_by(
            "region__code", "kind")
        previous = Contract.objects.visible_to(user).order_by("-starts_on")
        if self.instance.pk:
            previous = previous.exclude(pk=self.instance.pk)
        self.fields["previous"].queryset = previous
        self.fields["personnel_cost"].help_text = _(
            "人员费用、运营费用、其他费用三项合计须等于合同金额（精确到分）；合同未分项的三项都留空。")

    def _post_clean(self):
        pass

    def service_data(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("stations")
        return data


class FundingLineForm(forms.Form):
    source = forms.ChoiceField(choices=FundingSource.choices, widget=forms.HiddenInput)
    amount = forms.DecimalField(label=_("金额（元）"), max_digits=14, decimal_places=2, min_value=0, required=False)

    def source_label(self):
        value = self["source"].value()
        return FundingSource(value).label if value in FundingSource.values else ""


class InstallmentForm(forms.Form):
    trigger = forms.ChoiceField(label=_("支付条件"), choices=[("", "---------"), *InstallmentTrigger.choices],
                                required=False)
    percentage = forms.DecimalField(label=_("比例（%）"), max_digits=5, decimal_places=2, min_value=0,
                                    required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Drawn in table cells under the column headings, without a <label> of their own.
        for field in self.fields.values():
            field.widget.attrs.setdefault("aria-label", field.label)

    def clean(self):
        data = super().clean()
        if bool(data.get("trigger")) != (data.get("percentage") is not None):
            raise forms.ValidationError(_("支付条件和比例须同时填写。"))
        return data


FundingLineFormSet = forms.formset_factory(FundingLineForm, extra=0)
InstallmentFormSet = forms.formset_factory(InstallmentForm, extra=3)


def funding_initial(contract: Contract | None) -> list[dict]:
    amounts = {line.source: line.amount for line in contract.funding_lines.all()} if contract else {}
    return [{"source": value, "amount": amounts.get(value)} for value in FundingSource.values]


def installment_initial(contract: Contract | None, split: list[dict] | None = None) -> list[dict]:
    """The contract's schedule; for a new one, the split the region's documents set (if any)."""
    if contract is None:
        return split or []
    return [{"trigger": i.trigger, "percentage": i.percentage} for i in contract.installments.order_by("sequence")]


def formset_rows(formset, required: tuple[str, ...]) -> list[dict]:
    return [form.cleaned_data for form in formset.forms
            if form.cleaned_data and all(form.cleaned_data.get(key) not in (None, "") for key in required)]


class PaymentForm(forms.Form):
    installment = forms.ModelChoiceField(label=_("付款分期"), queryset=PaymentInstallment.objects.none())
    paid_on = forms.DateField(label=_("支付日期"), widget=DateInput())
    amount = forms.DecimalField(label=_("支付金额（元）"), max_digits=14, decimal_places=2, min_value=Decimal("0.01"))
    reference = forms.CharField(label=_("凭证号"), max_length=60, required=False)

    def __init__(self, *args, contract: Contract, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["installment"].queryset = contract.installments.order_by("sequence")
        self.fields["paid_on"].initial = timezone.localdate()


class FilingForm(forms.Form):
    filed_on = forms.DateField(label=_("备案日期"), widget=DateInput())
    reference = forms.CharField(label=_("备案编号"), max_length=60, required=False)


class SpendingForm(forms.Form):
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    amount = forms.DecimalField(label=_("社会救助支出（元）"), max_digits=14, decimal_places=2, min_value=Decimal("0.01"))
    source = forms.CharField(label=_("数据来源"), max_length=200, required=False)


class MinimumWageForm(forms.Form):
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    monthly_amount = forms.DecimalField(label=_("月最低工资标准（元）"), max_digits=10, decimal_places=2,
                                        min_value=Decimal("0.01"))
    source = forms.CharField(label=_("数据来源"), max_length=200, required=False)
