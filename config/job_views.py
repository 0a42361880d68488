"""我的任务: the jobs a user started, each with its progress, result and file.

A job is its user's alone: anyone else, an administrator included, gets the same 404 as for a job
that does not exist."""

from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET

from core.jobs import progress_of
from core.models import Job

app_name = "jobs"
PAGE_SIZE = 20


def _own_job(request, pk) -> Job:
    return get_object_or_404(Job.objects.filter(user=request.user), pk=pk)


def _way_back(request, job: Job) -> str:
    """The page the job was started from, if it is one of ours."""
    page = job.params.get("page") if isinstance(job.params, dict) else None
    if isinstance(page, str) and page.startswith("/") and url_has_allowed_host_and_scheme(
            page, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return page
    return ""


def _with_progress(job: Job) -> Job:
    """The job with its live rows done of total (kept in the cache while it runs) for the page."""
    job.progress = progress_of(job)
    job.done, job.total = job.progress["done"], job.progress["total"]
    return job


@require_GET
@login_required
def job_list_view(request):
    page = Paginator(Job.objects.filter(user=request.user).order_by("-created_at"), PAGE_SIZE).get_page(
        request.GET.get("page"))
    jobs = [_with_progress(job) for job in page.object_list]
    return render(request, "config/job_list.html", {"jobs": jobs, "page_obj": page, "paginator": page.paginator})


@require_GET
@login_required
def job_detail_view(request, pk):
    job = _with_progress(_own_job(request, pk))
    return render(request, "config/job_detail.html", {"job": job, "way_back": _way_back(request, job)})


@require_GET
@login_required
def job_status_view(request, pk):
    job = _own_job(request, pk)
    response = JsonResponse({**progress_of(job), "url": reverse("jobs:detail", kwargs={"pk": job.pk})})
    response["Cache-Control"] = "no-store"
    return response


@require_GET
@login_required
def job_download_view(request, pk):
    job = _own_job(request, pk)
    if job.status != Job.Status.DONE or not job.result_file or not default_storage.exists(job.result_file):
        raise Http404
    return FileResponse(default_storage.open(job.result_file, "rb"), as_attachment=True,
                        filename=job.result_name or job.result_file.rsplit("/", 1)[-1])


urlpatterns = [
    path("", job_list_view, name="list"),
    path("<uuid:pk>/", job_detail_view, name="detail"),
    path("<uuid:pk>/status/", job_status_view, name="status"),
    path("<uuid:pk>/download/", job_download_view, name="download"),
]
