from django.urls import include, path

from assessments import views

app_name = "assessments"

# One evaluation: scored, submitted, finalised or returned, with its evidence
evaluation_urls = [
    path("", views.evaluation_detail_view, name="evaluation-detail"),
    path("score/", views.evaluation_score_view, name="evaluation-score"),
    path("import/", views.score_import_view, name="score-import"),
    path("submit/", views.evaluation_submit_view, name="evaluation-submit"),
    path("finalise/", views.evaluation_finalise_view, name="evaluation-finalise"),
    path("return/", views.evaluation_return_view, name="evaluation-return"),
    path("evidence/", views.evidence_create_view, name="evidence-create"),
]

urlpatterns = [
    path("", views.evaluation_list_view, name="evaluation-list"),
    path("<int:pk>/", include(evaluation_urls)),
    path("new/", views.evaluation_create_view, name="evaluation-create"),
    path("todo/", views.todo_view, name="todo"),
    path("results/", views.results_view, name="results"),
    path("results/export/", views.results_export_view, name="results-export"),
    path("evidence/<int:pk>/", views.evidence_download_view, name="evidence-download"),
]
