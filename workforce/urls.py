from django.urls import path

from workforce import views

app_name = "workforce"

urlpatterns = [
    path("people/", views.person_list_view, name="person-list"),
    path("people/new/", views.person_create_view, name="person-create"),
    path("people/<int:pk>/", views.person_detail_view, name="person-detail"),
    path("people/<int:pk>/edit/", views.person_update_view, name="person-update"),
    path("people/<int:pk>/assignments/new/", views.employment_create_view, name="employment-create"),
    path("people/<int:pk>/assignments/<int:employment_pk>/edit/", views.employment_update_view,
         name="employment-update"),
    path("people/<int:pk>/certificates/new/", views.certificate_create_view, name="certificate-create"),
    path("people/<int:pk>/training/new/", views.training_create_view, name="training-create"),
    path("stations/<int:station_pk>/roster/", views.roster_view, name="roster-detail"),
    path("staffing/", views.staffing_view, name="staffing-list"),
    path("deadlines/", views.deadline_view, name="deadline-list"),
    path("training-shortfall/", views.shortfall_view, name="shortfall-list"),
    path("stipends/", views.stipend_view, name="stipend-list"),
    path("dashboard/", views.dashboard_view, name="dashboard"),
    path("import/people/", views.person_import_view, name="person-import"),
    path("import/assignments/", views.employment_import_view, name="employment-import"),
    path("import/certificates/", views.certificate_import_view, name="certificate-import"),
    path("import/training/", views.training_import_view, name="training-import"),
    path("export/<str:registry>.xlsx", views.export_view, name="registry-export"),
]
