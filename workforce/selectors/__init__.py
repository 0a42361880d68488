"""Reads for the workforce screens, exports and dashboards."""

from workforce.selectors.dashboard import WorkforceDashboard, workforce_dashboard
from workforce.selectors.people import (
    assignable_stations,
    attach_placing_station,
    certificate_list,
    employment_list,
    person_list,
    training_list,
)
from workforce.selectors.policies import PolicyBook, add_years, workforce_policy_for
from workforce.selectors.rules import (
    continuing_education_shortfall,
    hiring_flag_list,
    people_with_rule_data,
    person_rules,
    qualification_deadlines,
    qualification_on,
    supervisor_level_violations,
)
from workforce.selectors.staffing import (
    station_roster,
    station_staffing,
    station_staffing_row,
    under_staffed_stations,
)
from workforce.selectors.stipends import person_stipend_total, region_stipends, stipend_lines

__all__ = [
    "PolicyBook", "WorkforceDashboard", "add_years", "assignable_stations", "attach_placing_station",
    "certificate_list", "continuing_education_shortfall", "employment_list", "hiring_flag_list",
    "people_with_rule_data", "person_list", "person_rules", "person_stipend_total", "qualification_deadlines",
    "qualification_on", "region_stipends", "station_roster", "station_staffing", "station_staffing_row", "stipend_lines",
    "supervisor_level_violations", "training_list", "under_staffed_stations", "workforce_dashboard", "workforce_policy_for",
]
