import datetime

import django_filters
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import DetailView, FormView, ListView
from django_filters.views import FilterView

from core.scope import get_visible_or_404
from projects import permissions, services
from projects.forms import (
    ContractForm,
    FundingLineFormSet,
    InstallmentFormSet,
    formset_rows,
    funding_initial,
    installment_initial,
)
from projects.models import Contract, FilingStatus, Organisation
from projects.rules import INSTALLMENTS
from projects.selectors import contracts as selectors
from projects.selectors.contract_checks import contract_checks
from projects.selectors.contract_rules import contract_basis, region_split, split_schedule
from projects.selectors.contract_terms import term_basis
from projects.services import FEN
from projects.views.common import CountyStaffRequiredMixin, add_service_errors, today
from stations.models import Region, RegionLevel, Station
from stations.selectors.policies import rule_in_force

TERM_CHOICES = [("active", gettext_lazy("服务期内")), ("upcoming", gettext_lazy("未开始")),
                ("ended", gettext_lazy("已结束"))]


class ContractFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=gettext_lazy("搜索"), method="search")
    purchaser = django_filters.ModelChoiceFilter(label=gettext_lazy("购买方"), queryset=Region.objects.none(),
                                                 method="in_region")
    contractor = django_filters.ModelChoiceFilter(label=gettext_lazy("承接机构"), queryset=Organisation.objects.none())
    term = django_filters.ChoiceFilter(label=gettext_lazy("服务期"), choices=TERM_CHOICES, method="by_term")
    filing = django_filters.ChoiceFilter(label=gettext_lazy("备案"), choices=FilingStatus.choices,
                                         field_name="filing_state")
    overdue = django_filters.BooleanFilter(label=gettext_lazy("有逾期未付"), field_name="has_overdue")

    class Meta:
        model = Contract
        fields = ["q", "purchaser", "contractor", "term", "filing", "overdue"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["purchaser"].queryset = Region.objects.visible_to(user).filter(
            level__in=[RegionLevel.CITY, RegionLevel.COUNTY]).order_by("code")
        self.filters["contractor"].queryset = Organisation.objects.visible_to(user)
        self.whole = permissions.can_view_whole_contract(user)
        self.user = user
        if not self.whole:
            # A station head sees their station's part of a contract: filtering by filing, payments
            # or the other stations' names would tell them about the rest of it.
            for name in ("purchaser", "filing", "overdue"):
                del self.filters[name]

    def search(self, queryset, name, value):
        # Station names only among the stations the user may see (a station head: their own), so a
        # search does not tell which other stations a contract covers.
        by_station = Q(stations__name__icontains=value)
        if not self.whole:
            by_station &= Q(stations__in=Station.objects.visible_to(self.user))
        return queryset.filter(Q(number__icontains=value) | Q(title__icontains=value)
                               | Q(contractor__name__icontains=value) | by_station).distinct()

    def in_region(self, queryset, name, value):
        return queryset.filter(purchaser__code__startswith=value.prefix)

    def by_term(self, queryset, name, value):
        day = today()
        if value == "active":
            return queryset.active_on(day)
        if value == "upcoming":
            return queryset.filter(starts_on__gt=day)
        return queryset.filter(ends_on__lt=day)


class ContractListView(LoginRequiredMixin, FilterView):
    template_name = "projects/contract_list.html"
    context_object_name = "contracts"
    filterset_class = ContractFilter
    paginate_by = 50

    def get_filterset_kwargs(self, filterset_class):
        return {**super().get_filterset_kwargs(filterset_class), "user": self.request.user}

    def get_queryset(self):
        return selectors.contract_list(user=self.request.user, today=today())

    def get_context_data(self, **kwargs):
        user = self.request.user
        whole = permissions.can_view_whole_contract(user)
        total = selectors.contract_amount_total(self.object_list) if whole else None
        return super().get_context_data(may_write=permissions.can_manage_purchases(user), today=today(),
                                        whole=whole, amount_total=total, **kwargs)


class ContractExpiringView(LoginRequiredMixin, ListView):
    template_name = "projects/contract_expiring.html"
    context_object_name = "contracts"

    def days(self) -> int:
        try:
            return max(1, min(int(self.request.GET.get("days", selectors.DEFAULT_EXPIRING_DAYS)), 3660))
        except ValueError:
            return selectors.DEFAULT_EXPIRING_DAYS

    def get_queryset(self):
        return selectors.contract_expiring(user=self.request.user, today=today(), days=self.days())

    def get_context_data(self, **kwargs):
        return super().get_context_data(days=self.days(), whole=permissions.can_view_whole_contract(self.request.user),
                                        **kwargs)


class ContractDetailView(LoginRequiredMixin, DetailView):
    """The whole contract for officials (and the contractor's people); a station head sees only
    their own station's part of it (``projects/contract_station_part.html``)."""

    template_name = "projects/contract_detail.html"
    context_object_name = "contract"
    station_part = None

    def get_object(self, queryset=None):
        user = self.request.user
        if permissions.can_view_whole_contract(user):
            return selectors.contract_detail(user=user, pk=self.kwargs["pk"])
        self.station_part = selectors.contract_station_part(user=user, pk=self.kwargs["pk"])
        return self.station_part.contract

    def get_template_names(self):
        return ["projects/contract_station_part.html" if self.station_part else self.template_name]

    def get_context_data(self, **kwargs):
        contract, day = self.object, today()
        if self.station_part is not None:
            return super().get_context_data(stations=self.station_part.stations, term_state=contract.term_state(day),
                                            **kwargs)
        installments = list(contract.installments.all())
        for installment in installments:
            installment.paid = installment.paid.quantize(FEN)
            installment.state_now = installment.state(day)
        basis = contract_basis(contract, installments, today=day)
        latest = contract.evaluation_results.order_by("-evaluated_on", "-pk").first()
        chain = contract.chain()
        history = contract.history.select_related("history_user").order_by("-history_date")[:10]
        terms = term_basis(contract, chain)
        payments = list(selectors.contract_payments(contract))
        funding_lines = list(contract.funding_lines.all())
        return super().get_context_data(
            installments=installments, basis=basis, payments=payments, funding_lines=funding_lines,
            totals=selectors.contract_detail_totals(contract, installments, funding_lines, payments),
            filing_status=FilingStatus(contract.filing_status(day)), chain=chain, terms=terms,
            money_checks=contract_checks(contract),
            may_renew=contract.renewable and chain[-1].pk == contract.pk and not terms.cycle_end_reached,
            chain_has_renewal=chain[-1].pk != contract.pk,
            latest_evaluation=latest, history=history, may_write=permissions.can_manage_purchases(self.request.user),
            may_record_filing=permissions.can_record_contract_filing(self.request.user), **kwargs)


class ContractFormView(CountyStaffRequiredMixin, FormView):
    template_name = "projects/contract_form.html"
    form_class = ContractForm
    contract = None

    def renewing(self) -> Contract | None:
        """The contract being renewed (``?renew=<pk>``): the new one starts prefilled from it."""
        if self.contract is None and self.request.GET.get("renew"):
            return get_visible_or_404(Contract, self.request.user, pk=self.request.GET["renew"])
        return None

    def get_form_kwargs(self):
        kwargs = {**super().get_form_kwargs(), "user": self.request.user, "instance": self.contract}
        if self.contract is not None:
            kwargs["initial"] = {"service_domains": self.contract.service_domains,
                                 "target_groups": self.contract.target_groups}
        elif (previous := self.renewing()) is not None:
            kwargs["initial"] = renewal_initial(previous)
        return kwargs

    def region_split(self):
        """The split the region's documents set: the contract's own, the renewed contract's region's
        at the renewal's start, or the user's county's today."""
        if self.contract is not None:
            return region_split(self.contract)
        if (previous := self.renewing()) is not None:
            return rule_in_force(previous.purchaser, INSTALLMENTS, previous.ends_on + datetime.timedelta(days=1))
        home = self.request.user.home_region
        return rule_in_force(home, INSTALLMENTS, today()) if home is not None else None

    def formsets(self, split):
        data = self.request.POST if self.request.method == "POST" else None
        source = self.contract or self.renewing()
        initial = installment_initial(source, split_schedule(split) if split else None)
        return (FundingLineFormSet(data, prefix="funding", initial=funding_initial(source)),
                InstallmentFormSet(data, prefix="installments", initial=initial))

    def get_context_data(self, **kwargs):
        split = self.region_split()
        if "funding" not in kwargs:
            kwargs["funding"], kwargs["schedule"] = self.formsets(split)
        prefilled = split is not None and self.contract is None and self.renewing() is None
        return super().get_context_data(contract=self.contract, split=split, prefilled=prefilled,
                                        may_add_known=permissions.can_add_known_organisation(self.request.user),
                                        **kwargs)

    def post(self, request, *args, **kwargs):
        form = self.get_form()
        funding, schedule = self.formsets(None)
        errors = {"funding_lines": [], "installments": []}
        if form.is_valid() and funding.is_valid() and schedule.is_valid():
            try:
                contract = self.save(form, funding, schedule)
            except ValidationError as error:
                add_service_errors(form, error, errors)
            else:
                messages.success(request, _("已保存合同 %(number)s。") % {"number": contract.number})
                return redirect(contract)
        return self.render_to_response(self.get_context_data(
            form=form, funding=funding, schedule=schedule, funding_errors=errors["funding_lines"],
            schedule_errors=errors["installments"]))

    def save(self, form, funding, schedule) -> Contract:
        data = form.service_data()
        stations = form.cleaned_data["stations"]
        funding_lines = formset_rows(funding, ("source", "amount"))
        installments = formset_rows(schedule, ("trigger", "percentage"))
        if self.contract is None:
            return services.contract_create(actor=self.request.user, stations=stations, funding_lines=funding_lines,
                                            installments=installments, **data)
        return services.contract_update(actor=self.request.user, contract=self.contract, stations=stations,
                                        funding_lines=funding_lines, installments=installments, **data)


def renewal_initial(previous: Contract) -> dict:
    starts_on = previous.ends_on + datetime.timedelta(days=1)
    try:
        ends_on = starts_on.replace(year=starts_on.year + 1) - datetime.timedelta(days=1)
    except ValueError:  # 29 February
        ends_on = starts_on + datetime.timedelta(days=364)
    return {
        "title": previous.title, "purchaser": previous.purchaser_id, "contractor": previous.contractor_id,
        "stations": list(previous.stations.values_list("pk", flat=True)), "previous": previous.pk,
        "service_domains": previous.service_domains, "target_groups": previous.target_groups,
        "starts_on": starts_on, "ends_on": ends_on, "amount": previous.amount,
        "social_workers_per_station": previous.social_workers_per_station,
        "personnel_cost": previous.personnel_cost, "operations_cost": previous.operations_cost,
        "other_cost": previous.other_cost, "monthly_wage": previous.monthly_wage,
    }


class ContractUpdateView(ContractFormView):
    def dispatch(self, request, *args, **kwargs):
        self.contract = get_visible_or_404(Contract, request.user, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)


class ContractNotRenewableView(CountyStaffRequiredMixin, View):
    """Record that a contract may not be renewed (a failed evaluation, a breach): re-procure instead."""

    def post(self, request, pk):
        contract = get_visible_or_404(Contract, request.user, pk=pk)
        reason = request.POST.get("reason", "").strip()[:200]
        if not reason:
            messages.error(request, _("请填写不可续签的原因。"))
        else:
            services.contract_mark_not_renewable(actor=request.user, contract=contract, reason=reason)
            messages.success(request, _("已将合同 %(number)s 标记为不可续签。") % {"number": contract.number})
        return redirect(contract)


contract_list_view = ContractListView.as_view()
contract_not_renewable_view = ContractNotRenewableView.as_view()
contract_expiring_view = ContractExpiringView.as_view()
contract_detail_view = ContractDetailView.as_view()
contract_create_view = ContractFormView.as_view()
contract_update_view = ContractUpdateView.as_view()
