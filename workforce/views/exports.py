"""The registers' Excel imports (previews with ID numbers masked) and exports."""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from core.export_jobs import export_job
from core.importing import ImportView
from core.xlsx import XlsxBook
from workforce import permissions, resources, selectors, services
from workforce.models import DisclosureKind
from workforce.validators import mask_id_numbers_in_text


def _masked(value):
    return mask_id_numbers_in_text(value) if isinstance(value, str) else value


class MaskedImportView(ImportView):
    """The preview and its error messages show ID numbers masked, like every other page. Only those
    who keep the registry on the screens import into it."""

    permission = permissions.can_import_person

    def present(self, report):
        report.file_errors = [_masked(error) for error in report.file_errors]
        for row in report.rows:
            row.values = [_masked(value) for value in row.values]
            row.errors = [_masked(error) for error in row.errors]
            row.problems = [(column, _masked(message)) for column, message in row.problems]
            row.changes = [(column, _masked(old), _masked(new)) for column, old, new in row.changes]
        return report


class PersonImportView(MaskedImportView):
    resource_class = resources.PersonResource
    title = gettext_lazy("导入社工人员")
    success_url = reverse_lazy("workforce:person-list")


class EmploymentImportView(MaskedImportView):
    resource_class = resources.EmploymentResource
    title = gettext_lazy("导入岗位安排")
    success_url = reverse_lazy("workforce:person-list")


class CertificateImportView(MaskedImportView):
    resource_class = resources.CertificateResource
    title = gettext_lazy("导入职业水平证书")
    success_url = reverse_lazy("workforce:person-list")


class TrainingImportView(MaskedImportView):
    resource_class = resources.TrainingResource
    title = gettext_lazy("导入培训记录")
    success_url = reverse_lazy("workforce:person-list")


EXPORTS = {
    "people": (resources.PersonResource, gettext_lazy("社工人员")),
    "employments": (resources.EmploymentResource, gettext_lazy("岗位安排")),
    "certificates": (resources.CertificateResource, gettext_lazy("职业水平证书")),
    "training": (resources.TrainingResource, gettext_lazy("培训记录")),
}


class ExportView(LoginRequiredMixin, View):
    """One registry as an .xlsx whose columns are the import's, so a corrected file can be
    re-imported. ID numbers are masked unless ``full_id=1`` is asked by a user allowed to see them."""

    def get(self, request, registry):
        if registry not in EXPORTS:
            raise Http404
        user = request.user
        full_ids = request.GET.get("full_id") == "1" and permissions.can_view_full_id_number(user)
        resource_class, title = EXPORTS[registry]
        resource = resource_class(user=user, full_ids=full_ids)
        get = request.GET
        querysets = {
            "people": lambda: selectors.person_list(user=user, search=get.get("q", "").strip(),
                                                    role=get.get("role", ""), station_id=get.get("station", ""),
                                                    level=get.get("level", ""), county=get.get("county", ""),
                                                    ).select_related("registered_region"),
            "employments": lambda: selectors.employment_list(user=user).order_by("person__name", "start_on", "pk"),
            "certificates": lambda: selectors.certificate_list(user=user).order_by("person__name", "number"),
            "training": lambda: selectors.training_list(user=user).order_by("person__name", "held_on", "pk"),
        }
        dataset = resource.export(queryset=querysets[registry]())
        if full_ids:
            services.record_disclosure(
                user=user, kind=DisclosureKind.EXPORT, count=len(dataset),
                subject=f"{title}（{request.GET.urlencode()}）" if request.GET else str(title))
        book = XlsxBook()
        book.add_table(title=str(title), headers=dataset.headers, rows=dataset)
        suffix = "" if full_ids else _("（身份证号已脱敏）")
        return book.response(f"{title}{suffix}-{timezone.localdate():%Y%m%d}.xlsx")


person_import_view = PersonImportView.as_view()
employment_import_view = EmploymentImportView.as_view()
certificate_import_view = CertificateImportView.as_view()
training_import_view = TrainingImportView.as_view()
export_view = export_job(lambda kwargs: EXPORTS.get(kwargs["registry"], (None, None))[1],
                         page="workforce:person-list")(ExportView.as_view())
