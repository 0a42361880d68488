"""Screens: work lists, scoring, result, to-do list and regional results. ``urls.py`` reads the
views from here."""

from assessments.views.evaluations import (  # noqa: F401
    evaluation_create_view,
    evaluation_detail_view,
    evaluation_finalise_view,
    evaluation_list_view,
    evaluation_return_view,
    evaluation_score_view,
    evaluation_submit_view,
    evidence_create_view,
    evidence_download_view,
)
from assessments.views.imports import score_import_view  # noqa: F401
from assessments.views.results import results_export_view, results_view, todo_view  # noqa: F401
