from django.urls import path

from assessments import views

app_name = "assessments"

urlpatterns = [
    path("", views.evaluation_list_view, name="evaluation-list"),
    path("new/", views.evaluation_create_view, name="evaluation-create"),
    path("todo/", views.todo_view, name="todo"),
    path("results/", views.results_view, name="results"),
    path("results/export/", views.results_export_view, name="results-export"),
    path("<int:pk>/", views.evaluation_detail_view, name="evaluation-detail"),
    path("<int:pk>/score/", views.evaluation_score_view, name="evaluation-score"),
    path("<int:pk>/import/", views.score_import_view, name="score-import"),
    path("<int:pk>/submit/", views.evaluation_submit_view, name="evaluation-submit"),
    path("<int:pk>/finalise/", views.evaluation_finalise_view, name="evaluation-finalise"),
    path("<int:pk>/return/", views.evaluation_return_view, name="evaluation-return"),
    path("<int:pk>/evidence/", views.evidence_create_view, name="evidence-create"),
    path("evidence/<int:pk>/", views.evidence_download_view, name="evidence-download"),
]
