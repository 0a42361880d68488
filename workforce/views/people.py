"""The people register: the list with its filters, one person's page, registering and changing a person."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import FormView, ListView, TemplateView

from core.scope import get_visible_or_404, scope_of
from stations.models import PREFIX_LENGTH, Region, RegionLevel, Station
from workforce import permissions, selectors, services
from workforce.forms import PersonCreateForm, PersonUpdateForm, apply_service_errors
from workforce.models import CertificateLevel, DisclosureKind, EmploymentRole, Person


class PersonListView(LoginRequiredMixin, ListView):
    template_name = "workforce/person_list.html"
    context_object_name = "people"
    paginate_by = 50

    def get_queryset(self):
        get = self.request.GET
        return selectors.person_list(user=self.request.user, search=get.get("q", "").strip(),
                                     role=get.get("role", ""), station_id=get.get("station", ""),
                                     level=get.get("level", ""), county=get.get("county", ""))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["people"] = selectors.attach_placing_station(context["people"])
        return {**context, **self.place_filters(), "q": self.request.GET.get("q", ""), "roles": EmploymentRole.choices,
                "levels": CertificateLevel.choices, "filters": self.request.GET,
                "can_export_full_id": permissions.can_view_full_id_number(self.request.user),
                "can_edit": permissions.can_edit_person(self.request.user)}

    def place_filters(self) -> dict:
        """A county list for province and city staff; a station list once the list is down to one
        county (a county user's own, or the county chosen), not a province's thousand stations."""
        user, chosen = self.request.user, self.request.GET.get("county", "")
        scope = scope_of(user)
        above_county = bool(scope.prefix) and len(scope.prefix) < PREFIX_LENGTH[RegionLevel.COUNTY]
        counties = Region.objects.visible_to(user).filter(level=RegionLevel.COUNTY).order_by("code")
        stations = Station.objects.visible_to(user).order_by("region__code", "kind")
        if chosen:
            stations = stations.filter(region__code__startswith=chosen[:PREFIX_LENGTH[RegionLevel.COUNTY]])
        elif scope.everything or above_county:
            stations = Station.objects.none()
        return {"counties": counties if above_county else Region.objects.none(), "stations": stations}


class PersonDetailView(LoginRequiredMixin, TemplateView):
    """The ID number is masked; a holder of the permission may ask (POST) to see it in full,
    which is recorded."""

    template_name = "workforce/person_detail.html"
    show_full_id = False

    def post(self, request, *args, **kwargs):
        if not permissions.can_view_full_id_number(request.user):
            raise PermissionDenied
        self.show_full_id = True
        return self.get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        user = self.request.user
        person = get_visible_or_404(selectors.people_with_rule_data(Person.objects.select_related(
            "registered_region")), user, pk=self.kwargs["pk"])
        today = timezone.localdate()
        rules = selectors.person_rules(person, today)
        editable = permissions.can_edit_person(user)
        if self.show_full_id:
            services.record_disclosure(user=user, kind=DisclosureKind.PAGE, person=person, subject=person.name)
        return super().get_context_data(
            person=person, rules=rules, today=today, can_edit=editable,
            id_number=person.id_number if self.show_full_id else person.masked_id_number,
            can_show_full_id=permissions.can_view_full_id_number(user), showing_full_id=self.show_full_id,
            employments=sorted(person.employments.all(), key=lambda e: (e.start_on, e.pk), reverse=True),
            stipends=selectors.person_stipends(person=person, year=today.year), not_set=selectors.NOT_SET,
            **kwargs)


class PersonEditMixin(LoginRequiredMixin):
    """Writes on a person: only someone allowed to edit the people placed in their county."""

    def get_person(self):
        person = get_visible_or_404(Person, self.request.user, pk=self.kwargs["pk"])
        if not permissions.can_edit_person(self.request.user):
            raise PermissionDenied
        return person

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and "pk" in self.kwargs:
            self.person = self.get_person()
        return super().dispatch(request, *args, **kwargs)

    def run_service(self, form, call):
        try:
            result = call()
        except ValidationError as error:
            apply_service_errors(form, error)
            return self.form_invalid(form)
        except PermissionDenied as error:
            form.add_error(None, str(error))
            return self.form_invalid(form)
        messages.success(self.request, _("已保存。"))
        return redirect(result.get_absolute_url() if isinstance(result, Person) else self.person.get_absolute_url())

    def get_context_data(self, **kwargs):
        return super().get_context_data(person=getattr(self, "person", None), title=self.title, **kwargs)


class PersonCreateView(PersonEditMixin, FormView):
    template_name = "workforce/person_form.html"
    form_class = PersonCreateForm
    title = _("登记社工人员")

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not permissions.can_edit_person(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def form_valid(self, form):
        return self.run_service(form, lambda: services.person_create(
            actor=self.request.user, assignment=form.assignment(), **form.person_data()))


class PersonUpdateView(PersonEditMixin, FormView):
    template_name = "workforce/person_form.html"
    form_class = PersonUpdateForm
    title = _("修改人员信息")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": Person.objects.get(pk=self.person.pk)}

    def form_valid(self, form):
        data = {key: form.cleaned_data[key] for key in PersonUpdateForm.Meta.fields}
        return self.run_service(form, lambda: services.person_update(actor=self.request.user, person=self.person,
                                                                     **data))


person_list_view = PersonListView.as_view()
person_detail_view = PersonDetailView.as_view()
person_create_view = PersonCreateView.as_view()
person_update_view = PersonUpdateView.as_view()
