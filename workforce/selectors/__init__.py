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
from workforce.selectors.policies import NOT_SET, QualificationRules, RuleBook, add_years, qualification_rules
from workforce.selectors.qualification import (
    people_with_rule_data,
    person_qualification,
    qualification_deadlines,
    qualification_on,
)
from workforce.selectors.rules import (
    continuing_education_shortfall,
    hiring_flag_list,
    person_rules,
    supervisor_level_violations,
)
from workforce.selectors.staffing import (
    station_roster,
    station_staffing,
    station_staffing_row,
    under_staffed_stations,
)
from workforce.selectors.stipends import person_stipend_total, person_stipends, region_stipends, stipend_lines
from workforce.selectors.supervisors import project_supervisor_violations

__all__ = [
    "NOT_SET", "QualificationRules", "RuleBook", "WorkforceDashboard", "add_years", "assignable_stations",
    "attach_placing_station", "certificate_list", "continuing_education_shortfall", "employment_list",
    "hiring_flag_list", "people_with_rule_data", "person_list", "person_qualification", "person_rules",
    "person_stipend_total", "person_stipends", "project_supervisor_violations", "qualification_deadlines", "qualification_on", "qualification_rules",
    "region_stipends", "station_roster", "station_staffing", "station_staffing_row", "stipend_lines",
    "supervisor_level_violations", "training_list", "under_staffed_stations", "workforce_dashboard",
]
