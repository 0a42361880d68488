import django_filters
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import DetailView, FormView, View
from django_filters.views import FilterView

from core.access import RuleRequiredMixin
from core.scope import get_visible_or_404
from projects import permissions, services
from projects.forms import KnownOrganisationForm, OrganisationForm
from projects.models import Organisation, Rating
from projects.selectors import contracts as selectors
from projects.services.organisations import NOT_YOURS_TO_CHANGE, ORGANISATION_FIELDS
from projects.views.common import CountyStaffRequiredMixin, add_service_errors


def may_change_on_screen(user, organisation) -> bool:
    """The screens are county staff's (the province corrects in the admin): the edit and delete
    buttons, and the pages behind them, are for county staff where the organisation is registered."""
    return permissions.can_manage_purchases(user) and permissions.can_change_organisation(user, organisation)


def changeable_or_403(user, pk) -> Organisation:
    """The organisation (404 when out of sight), refused with a reason when the user may only read it."""
    organisation = get_visible_or_404(Organisation.objects.select_related("region"), user, pk=pk)
    if user.is_authenticated and not permissions.can_change_organisation(user, organisation):
        raise PermissionDenied(str(NOT_YOURS_TO_CHANGE))
    return organisation


class OrganisationFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=gettext_lazy("搜索"), method="search")
    is_local = django_filters.BooleanFilter(label=gettext_lazy("本地机构"))
    rating = django_filters.ChoiceFilter(label=gettext_lazy("评估等级"), choices=Rating.choices)

    class Meta:
        model = Organisation
        fields = ["q", "is_local", "rating"]

    def search(self, queryset, name, value):
        from django.db.models import Q

        return queryset.filter(Q(name__icontains=value) | Q(credit_code__icontains=value))


class OrganisationListView(LoginRequiredMixin, FilterView):
    template_name = "projects/organisation_list.html"
    context_object_name = "organisations"
    filterset_class = OrganisationFilter
    paginate_by = 50

    def get_queryset(self):
        return selectors.organisation_list(user=self.request.user).order_by("name")

    def get_context_data(self, **kwargs):
        user = self.request.user
        return super().get_context_data(may_write=permissions.can_manage_purchases(user),
                                        may_add_known=permissions.can_add_known_organisation(user), **kwargs)


class OrganisationDetailView(LoginRequiredMixin, DetailView):
    template_name = "projects/organisation_detail.html"
    context_object_name = "organisation"

    def get_object(self, queryset=None):
        return get_visible_or_404(Organisation.objects.select_related("region"), self.request.user,
                                  pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        user, org = self.request.user, self.object
        may_write = may_change_on_screen(user, org)
        return super().get_context_data(
            contracts=selectors.organisation_contracts(user=user, organisation=org),
            stations=selectors.organisation_stations(user=user, organisation=org),
            ratings=selectors.organisation_ratings(org), may_write=may_write,
            kept_elsewhere=permissions.can_manage_purchases(user) and not may_write,
            whole_contracts=permissions.can_view_whole_contract(user), **kwargs)


class OrganisationFormView(CountyStaffRequiredMixin, FormView):
    template_name = "projects/organisation_form.html"
    form_class = OrganisationForm
    organisation = None

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user, "instance": self.organisation}

    def form_valid(self, form):
        data = {key: form.cleaned_data[key] for key in ORGANISATION_FIELDS}
        try:
            if self.organisation is None:
                self.organisation = services.organisation_create(actor=self.request.user, **data)
            else:
                services.organisation_update(actor=self.request.user, organisation=self.organisation, **data)
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("已保存机构“%(name)s”。") % {"name": self.organisation.name})
        return redirect(self.organisation)

    def get_context_data(self, **kwargs):
        return super().get_context_data(organisation=self.organisation, **kwargs)


class OrganisationUpdateView(OrganisationFormView):
    def dispatch(self, request, *args, **kwargs):
        self.organisation = changeable_or_403(request.user, kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)


class OrganisationDeleteView(CountyStaffRequiredMixin, View):
    def post(self, request, pk):
        organisation = changeable_or_403(request.user, pk)
        try:
            services.organisation_delete(actor=request.user, organisation=organisation)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(organisation)
        messages.success(request, _("已删除机构“%(name)s”。") % {"name": organisation.name})
        return redirect("projects:organisation-list")


class OrganisationAddKnownView(RuleRequiredMixin, FormView):
    """添加外地机构: a county adds an organisation registered elsewhere to those it may contract by
    entering its credit code and exact name (it is registered, and kept, where it is registered)."""

    rule = permissions.can_add_known_organisation
    denied_message = gettext_lazy("只有县级民政部门可以进行此操作。")
    template_name = "projects/organisation_add_known.html"
    form_class = KnownOrganisationForm

    def next_url(self) -> str:
        url = self.request.POST.get("next") or self.request.GET.get("next") or ""
        allowed = url_has_allowed_host_and_scheme(url, allowed_hosts={self.request.get_host()},
                                                  require_https=self.request.is_secure())
        return url if allowed else ""

    def form_valid(self, form):
        try:
            organisation = services.organisation_add_known(actor=self.request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("已添加机构“%(name)s”，可在合同中选用。") % {"name": organisation.name})
        return redirect(self.next_url() or organisation.get_absolute_url())

    def get_context_data(self, **kwargs):
        return super().get_context_data(next=self.next_url(), **kwargs)


organisation_list_view = OrganisationListView.as_view()
organisation_detail_view = OrganisationDetailView.as_view()
organisation_create_view = OrganisationFormView.as_view()
organisation_update_view = OrganisationUpdateView.as_view()
organisation_delete_view = OrganisationDeleteView.as_view()
organisation_add_known_view = OrganisationAddKnownView.as_view()
