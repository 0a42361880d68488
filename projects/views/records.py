"""Recording what happens to a contract after signing: payments and the filing with the city."""

import django_filters
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView
from django_filters.views import FilterView

from core.access import RuleRequiredMixin
from core.dates import is_provisional
from core.scope import get_visible_or_404
from projects import permissions, services
from projects.forms import FilingForm, PaymentForm
from projects.models import Contract, FilingStatus
from projects.selectors import contracts as selectors
from projects.views.common import CountyStaffRequiredMixin, add_service_errors, today
from stations.models import Region, RegionLevel


class FilingFilter(django_filters.FilterSet):
    purchaser = django_filters.ModelChoiceFilter(label=gettext_lazy("购买方"), queryset=Region.objects.none(),
                                                 method="in_region")
    status = django_filters.ChoiceFilter(label=gettext_lazy("备案状态"), field_name="filing_state",
                                         choices=FilingStatus.choices[:3])

    class Meta:
        model = Contract
        fields = ["purchaser", "status"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["purchaser"].queryset = Region.objects.visible_to(user).filter(
            level=RegionLevel.COUNTY).order_by("code")

    def in_region(self, queryset, name, value):
        return queryset.filter(purchaser__code__startswith=value.prefix)


class FilingListView(RuleRequiredMixin, FilterView):
    """Filing dates and numbers belong to the whole contract: not for a station head."""

    rule = permissions.can_view_whole_contract
    template_name = "projects/filing_list.html"
    context_object_name = "contracts"
    paginate_by = 100
    filterset_class = FilingFilter

    def get_filterset_kwargs(self, filterset_class):
        return {**super().get_filterset_kwargs(filterset_class), "user": self.request.user}

    def get_queryset(self):
        return selectors.contract_filings(user=self.request.user, today=today())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(may_record=permissions.can_record_contract_filing(self.request.user),
                                           **kwargs)
        context["contracts"] = selectors.mark_provisional_filings(context["contracts"])
        return context


class PaymentCreateView(CountyStaffRequiredMixin, FormView):
    template_name = "projects/payment_form.html"
    form_class = PaymentForm

    def dispatch(self, request, *args, **kwargs):
        self.contract = get_visible_or_404(Contract, request.user, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "contract": self.contract}

    def get_initial(self):
        # The first installment whose condition is met and not paid off, due date or not (a region's
        # documents may set no payment period).
        pending = [i for i in self.contract.installments.order_by("sequence")
                   if i.triggered_on and i.outstanding() > 0]
        return {"installment": pending[0].pk, "amount": pending[0].outstanding()} if pending else {}

    def form_valid(self, form):
        try:
            payment = services.payment_record(actor=self.request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("已登记第 %(n)s 期付款 %(amount)s 元。") % {
            "n": payment.installment.sequence, "amount": payment.amount})
        return redirect(self.contract)

    def get_context_data(self, **kwargs):
        return super().get_context_data(contract=self.contract, **kwargs)


class FilingUpdateView(LoginRequiredMixin, FormView):
    template_name = "projects/filing_form.html"
    form_class = FilingForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not permissions.can_record_contract_filing(request.user):
            raise PermissionDenied(_("只有县、市民政部门可以登记备案。"))
        self.contract = get_visible_or_404(Contract, request.user, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        return {"filed_on": self.contract.filed_on or today(), "reference": self.contract.filing_reference}

    def form_valid(self, form):
        try:
            services.contract_record_filing(actor=self.request.user, contract=self.contract,
                                            filed_on=form.cleaned_data["filed_on"],
                                            reference=form.cleaned_data["reference"])
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("已登记合同 %(number)s 的备案。") % {"number": self.contract.number})
        return redirect(self.contract)

    def get_context_data(self, **kwargs):
        provisional = is_provisional(self.contract.signed_on, self.contract.filing_due_on)
        return super().get_context_data(contract=self.contract, filing_provisional=provisional, **kwargs)


payment_create_view = PaymentCreateView.as_view()
filing_list_view = FilingListView.as_view()
filing_update_view = FilingUpdateView.as_view()
