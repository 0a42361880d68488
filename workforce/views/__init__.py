"""Screens for county staff (and, read-only, city and province officials and station heads).
One module per part of the register; ``urls.py`` reads the views from here."""

from workforce.views.dashboard import (  # noqa: F401
    dashboard_view,
    deadline_view,
    roster_view,
    shortfall_view,
    staffing_view,
    stipend_view,
)
from workforce.views.exports import (  # noqa: F401
    EXPORTS,
    certificate_import_view,
    employment_import_view,
    export_view,
    person_import_view,
    training_import_view,
)
from workforce.views.people import (  # noqa: F401
    person_create_view,
    person_detail_view,
    person_list_view,
    person_update_view,
)
from workforce.views.records import (  # noqa: F401
    certificate_create_view,
    employment_create_view,
    employment_update_view,
    training_create_view,
)
