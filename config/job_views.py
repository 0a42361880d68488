"""我的任务: the jobs a user started, each with its progress, result and file."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import path

from core.models import Job

app_name = "jobs"


@login_required
def job_list_view(request):
    jobs = Job.objects.filter(user=request.user)[:50]
    return render(request, "config/job_list.html", {"jobs": jobs})


urlpatterns = [
    path("", job_list_view, name="list"),
]
