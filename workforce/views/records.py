"""A person's records: assignments (and leaving a post), certificates and training."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from django.views.generic import FormView

from core.scope import get_visible_or_404
from workforce import permissions, services
from workforce.forms import CertificateForm, EmploymentForm, TrainingForm
from workforce.models import Employment, Person
from workforce.views.people import PersonEditMixin


class EmploymentCreateView(PersonEditMixin, FormView):
    template_name = "workforce/person_form.html"
    form_class = EmploymentForm
    title = _("添加岗位安排")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def form_valid(self, form):
        return self.run_service(form, lambda: services.employment_create(
            actor=self.request.user, person=self.person, **form.cleaned_data))


class EmploymentUpdateView(PersonEditMixin, FormView):
    template_name = "workforce/person_form.html"
    form_class = EmploymentForm
    title = _("修改岗位安排（如办理离岗）")

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.employment = get_visible_or_404(Employment.objects.select_related("person", "station"),
                                                 request.user, pk=kwargs["employment_pk"])
            if self.employment.person_id != kwargs["pk"]:
                raise Http404
            self.person = get_visible_or_404(Person, request.user, pk=self.employment.person_id)
            if not permissions.can_edit_person(request.user):
                raise PermissionDenied
        return super(PersonEditMixin, self).dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user, "instance": Employment.objects.get(
            pk=self.employment.pk)}

    def form_valid(self, form):
        return self.run_service(form, lambda: services.employment_update(
            actor=self.request.user, employment=self.employment, **form.cleaned_data))


class CertificateCreateView(PersonEditMixin, FormView):
    template_name = "workforce/person_form.html"
    form_class = CertificateForm
    title = _("添加职业水平证书")

    def form_valid(self, form):
        return self.run_service(form, lambda: services.certificate_add(
            actor=self.request.user, person=self.person, **form.cleaned_data))


class TrainingCreateView(PersonEditMixin, FormView):
    template_name = "workforce/person_form.html"
    form_class = TrainingForm
    title = _("添加培训记录")

    def form_valid(self, form):
        return self.run_service(form, lambda: services.training_add(
            actor=self.request.user, person=self.person, **form.cleaned_data))


employment_create_view = EmploymentCreateView.as_view()
employment_update_view = EmploymentUpdateView.as_view()
certificate_create_view = CertificateCreateView.as_view()
training_create_view = TrainingCreateView.as_view()
