import django_filters
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import DetailView, FormView, View
from django_filters.views import FilterView

from core.scope import get_visible_or_404
from projects import permissions, services
from projects.forms import OrganisationForm
from projects.models import Organisation, Rating
from projects.selectors import contracts as selectors
from projects.services.organisations import ORGANISATION_FIELDS
from projects.views.common import CountyStaffRequiredMixin, add_service_errors


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
        return super().get_context_data(may_write=permissions.can_manage_purchases(self.request.user), **kwargs)


class OrganisationDetailView(LoginRequiredMixin, DetailView):
    template_name = "projects/organisation_detail.html"
    context_object_name = "organisation"

    def get_object(self, queryset=None):
        return get_visible_or_404(Organisation.objects.select_related("region"), self.request.user,
                                  pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        user, org = self.request.user, self.object
        return super().get_context_data(
            contracts=selectors.organisation_contracts(user=user, organisation=org),
            stations=selectors.organisation_stations(user=user, organisation=org),
            ratings=selectors.organisation_ratings(org),
            may_write=permissions.can_manage_purchases(user), whole_contracts=permissions.can_view_whole_contract(user),
            **kwargs)


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
        self.organisation = get_visible_or_404(Organisation, request.user, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)


class OrganisationDeleteView(CountyStaffRequiredMixin, View):
    def post(self, request, pk):
        organisation = get_visible_or_404(Organisation, request.user, pk=pk)
        try:
            services.organisation_delete(actor=request.user, organisation=organisation)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(organisation)
        messages.success(request, _("已删除机构“%(name)s”。") % {"name": organisation.name})
        return redirect("projects:organisation-list")


organisation_list_view = OrganisationListView.as_view()
organisation_detail_view = OrganisationDetailView.as_view()
organisation_create_view = OrganisationFormView.as_view()
organisation_update_view = OrganisationUpdateView.as_view()
organisation_delete_view = OrganisationDeleteView.as_view()
