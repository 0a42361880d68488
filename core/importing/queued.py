"""The import page when imports run as jobs on workers (``core.jobs.queued()``).

Upload → the file goes to the shared storage and an ``import.preview`` job reads and checks it →
302 to ``<page>?job=<preview>``, which shows the job's progress, then its report (from the job's
stored result) with the confirm button → POST ``job=<preview>`` starts ``import.confirm`` on the
same file → 302 to ``<page>?job=<confirm>``, which shows its progress, then 导入完成 (or why not).

A job is found only among the user's own import jobs of this very page (same URL name and
arguments); any other is a 404 to look at and 导入已过期 to confirm. A preview is confirmed once.
"""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.files.storage import default_storage
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from core import jobs
from core.importing.pending import pending_store, pending_token
from core.importing.stored import StoredReport, done_message
from core.models import Job

PREVIEW, CONFIRM = "import.preview", "import.confirm"


class QueuedImportMixin:
    """``ImportView``'s half for imports run as jobs."""

    def _job_upload_key(self) -> str:
        return f"import-job:{self.request.path}"

    def page_params(self) -> dict:
        """Names this page for a job: its URL name and arguments."""
        match = self.request.resolver_match
        return {"view": match.view_name, "kwargs": dict(match.kwargs)}

    def page_jobs(self):
        """The user's import jobs started on this page."""
        params = self.page_params()
        return Job.objects.filter(user=self.user, kind__in=(PREVIEW, CONFIRM), params__view=params["view"])

    def page_job(self, job_id: str, **filters) -> Job | None:
        try:
            pk = uuid.UUID(str(job_id))
        except ValueError:
            return None
        job = self.page_jobs().filter(pk=pk, **filters).first()
        return job if job is not None and job.params.get("kwargs", {}) == self.page_params()["kwargs"] else None

    def start_preview(self, upload):
        """Keeps the upload and starts its preview; nothing is read here."""
        self.discard_previous_upload()
        name = pending_store(upload.read(), upload.name)
        self.request.session[self._job_upload_key()] = pending_token(name)
        job = jobs.start(user=self.user, kind=PREVIEW, input_file=name,
                         title=_("%(title)s：检查“%(file)s”") % {"title": self.title, "file": upload.name},
                         params={**self.page_params(), "filename": upload.name})
        return redirect(f"{self.request.path}?job={job.pk}")

    def confirm_job(self, job_id: str):
        """Starts the import of a previewed file, once: a second click shows the same import."""
        with transaction.atomic():
            preview = self.page_job(job_id, kind=PREVIEW, status=Job.Status.DONE)
            if preview is not None:
                preview = Job.objects.select_for_update().get(pk=preview.pk)
            if preview is not None and preview.params.get("confirm"):
                return redirect(f"{self.request.path}?job={preview.params['confirm']}")
            if (preview is None or StoredReport(preview.result).has_errors or not preview.input_file
                    or not default_storage.exists(preview.input_file)):  # discarded meanwhile (too old)
                messages.error(self.request, _("导入已过期，请重新上传文件。"))
                return redirect(self.request.path)
            filename = preview.params.get("filename", "")
            job = jobs.start(user=self.user, kind=CONFIRM, input_file=preview.input_file,
                             title=_("%(title)s：导入“%(file)s”") % {"title": self.title, "file": filename},
                             params={**self.page_params(), "filename": filename, "preview": str(preview.pk)})
            preview.params = {**preview.params, "confirm": str(job.pk)}
            preview.save(update_fields=["params"])
        # The file is the import's now (it deletes it when done): another upload must not discard it.
        if self.request.session.get(self._job_upload_key()) == pending_token(preview.input_file):
            del self.request.session[self._job_upload_key()]
        return redirect(f"{self.request.path}?job={job.pk}")

    def show_job(self, job_id: str):
        """The page for one of its jobs: its progress, then its outcome (a preview's report, with
        the confirm button when the file is clean; 导入完成; or why not)."""
        job = self.page_job(job_id)
        if job is None:
            raise Http404
        if not job.finished:
            return self.render_page(job=job, running=True)
        if job.kind == CONFIRM and job.status == Job.Status.DONE:
            return self.render_page(job=job, done=done_message(job.result.get("totals", {})))
        report = StoredReport(job.result) if "row_count" in job.result else None
        return self.render_page(job=job, report=report, job_error="" if report else job.error)
