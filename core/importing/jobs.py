"""Imports run as jobs (see core.jobs): preview and confirm of a stored upload.

Each job names its import page (``params["view"]``, a URL name, and ``params["kwargs"]``); the
runner builds that page for the job's user (``ImportView.for_job``: the same resource, scope,
permission and presentation as on the page) and reads the upload the job was given
(``job.input_file``, in the shared storage). A clean preview keeps the rows it read next to the
upload; the confirmation checks those rows again (the file is not read a second time) and writes
all of them or nothing (a row that has become invalid fails the job, its problems listed)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.urls import NoReverseMatch, Resolver404, resolve, reverse
from django.utils.translation import gettext as _

from core.importing.files import ImportFileError
from core.importing.pending import pending_delete, pending_keep_rows, pending_read, pending_rows
from core.importing.progress import ImportProgress
from core.importing.queued import CONFIRM, PREVIEW
from core.importing.resources import run_import
from core.importing.stored import report_result
from core.importing.views import ImportView
from core.importing.workbook import marked_workbook
from core.jobs import JobError, Outcome, runner


def import_page(job):
    """The job's import page, built for the job's user; a JobError if it is gone or refused now."""
    try:
        match = resolve(reverse(job.params["view"], kwargs=job.params.get("kwargs") or None))
    except (KeyError, NoReverseMatch, Resolver404) as exc:
        raise JobError(_("该导入页面已不存在，未导入任何数据。")) from exc
    view_class = getattr(match.func, "view_class", None)
    if view_class is None or not issubclass(view_class, ImportView):
        raise JobError(_("该导入页面已不存在，未导入任何数据。"))
    try:
        return view_class.for_job(job.user, initkwargs=match.func.view_initkwargs, kwargs=match.kwargs)
    except (PermissionDenied, Http404) as exc:
        raise JobError(_("您已没有权限进行该导入，未导入任何数据。")) from exc


def _read(job, page, steps: ImportProgress):
    """The job's upload as rows (its progress told while reading); raises ImportFileError."""
    data = pending_read(job.input_file)
    if data is None:
        raise JobError(_("导入已过期，请重新上传文件。"))
    steps.begin()
    dataset = page.read(data, job.input_file, on_rows=steps.reading)
    steps.read(len(dataset))
    return data, dataset


def _kept(job, page, steps: ImportProgress):
    """The rows its preview read from the job's upload (read again if they were not kept)."""
    dataset = pending_rows(job.input_file)
    if dataset is None:
        return _read(job, page, steps)[1]
    steps.begin()
    steps.read(len(dataset))
    return dataset


@runner(PREVIEW)
def run_import_preview(job, progress) -> Outcome:
    """Reads and checks the upload, writing nothing. A clean file is kept for its confirmation;
    a file with problems is not (the job keeps the upload marked with them, to download)."""
    page = import_page(job)
    steps = ImportProgress(progress, confirm=False)
    try:
        data, dataset = _read(job, page, steps)
    except ImportFileError as exc:
        pending_delete(job.input_file)
        return Outcome(error=str(exc))
    report = page.present(run_import(page.get_resource(), dataset, user=job.user, dry_run=True, progress=steps))
    if not report.has_errors:
        pending_keep_rows(job.input_file, dataset)  # the confirmation checks these, not the file read again
        return Outcome(result=report_result(report))
    transaction.on_commit(lambda: pending_delete(job.input_file))
    marked = (f"{page.title}-错误标注.xlsx", marked_workbook(data, dataset, report)) if report.error_rows else None
    return Outcome(result=report_result(report), file=marked)


@runner(CONFIRM)
def run_import_confirm(job, progress) -> Outcome:
    """Imports the previewed upload (the rows its preview read, checked again), all rows or none,
    and then deletes it."""
    page = import_page(job)
    steps = ImportProgress(progress, confirm=True)
    try:
        dataset = _kept(job, page, steps)
    except ImportFileError as exc:
        pending_delete(job.input_file)
        return Outcome(error=str(exc))
    report = page.present(run_import(page.get_resource(), dataset, user=job.user, dry_run=False, progress=steps))
    if report.has_errors:  # something changed since the preview; run_import has written nothing
        pending_delete(job.input_file)
        return Outcome(error=_("文件存在问题，未导入任何数据。请修改后重新上传。"), result=report_result(report))
    transaction.on_commit(lambda: pending_delete(job.input_file))
    return Outcome(result={"totals": report.totals})
