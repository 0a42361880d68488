"""Every table the generator writes, with the columns it fills, by field name.

A row is built with keyword arguments, ``STATION.row(id=…, region_id=…, …)``, and must name exactly
the columns declared here: a missing or unknown name is an error at once, not a shifted column. A
column the generator deliberately leaves empty is declared too (``leaves_empty``): only nullable
columns without a Python default, so COPY and ``bulk_create`` store the same NULL. The test
tests/scripts/test_national_tables.py holds each declaration to its model's concrete columns, so a
new column fails it until the generator fills the column or says it leaves it empty.
"""

from __future__ import annotations

import operator

from django.db import models

from assessments.models import Dimension, Evaluation, EvaluationTemplate, Indicator, Score
from projects.models import Contract, ContractEvaluation, FundingLine, Organisation, Payment, PaymentInstallment
from stations.models import (
    MonthlyReport,
    MonthlyReportLine,
    PolicyDocument,
    PolicyRule,
    Station,
    StationStatusChange,
    Target,
)
from workforce.models import Certificate, Employment, Person, TrainingRecord


class Table:
    def __init__(self, model: type[models.Model], fills: str, leaves_empty: str = ""):
        self.model = model
        self.fills = tuple(fills.split())  # in this order in COPY's column list
        self.leaves_empty = tuple(leaves_empty.split())
        self._names = frozenset(self.fills)
        self._values = operator.itemgetter(*self.fills)

    def __repr__(self) -> str:
        return f"Table({self.model._meta.label})"

    def row(self, **fields) -> tuple:
        """The row as a tuple in ``fills`` order (compact for the millions of rows held in memory)."""
        if fields.keys() != self._names:
            raise TypeError(f"{self.model._meta.label}: missing {sorted(self._names - fields.keys())}, "
                            f"unknown {sorted(fields.keys() - self._names)}")
        return self._values(fields)

    def columns(self) -> list[str]:
        return [self.model._meta.get_field(name).column for name in self.fills]


class Rows:
    """Rows of one table being gathered, each added by field name; ids run from 1 in order."""

    def __init__(self, table: Table):
        self.table = table
        self.rows: list[tuple] = []

    @property
    def next_id(self) -> int:
        return len(self.rows) + 1

    def add(self, **fields) -> int:
        """Adds the row; returns its id."""
        self.rows.append(self.table.row(**fields))
        return fields["id"]


STATION = Table(Station, "id region_id name kind address site_area_m2 co_location opened_on contact_name "
                         "contact_phone created_at updated_at")
STATUS_CHANGE = Table(StationStatusChange, "id station_id status effective_on reason recorded_at voided voided_reason",
                      leaves_empty="changed_by_id voided_by_id voided_at")
POLICY_DOCUMENT = Table(PolicyDocument, "id key title issuer number issued_on effective_from effective_note region_id "
                                         "url note", leaves_empty="repealed_on")
POLICY_RULE = Table(PolicyRule, "id document_id key value clause quote")
TARGET = Table(Target, "id region_id document_id metric due_on value unit clause quote")
ORGANISATION = Table(Organisation, "id name credit_code region_id is_local rating rating_year "
                                   "has_party_organisation contact_name contact_phone", leaves_empty="added_in_id")
CONTRACT = Table(Contract, "id purchaser_id contractor_id number title service_domains target_groups "
                           "award_notice_on signed_on starts_on ends_on amount personnel_cost operations_cost other_cost "
                           "monthly_wage social_workers_per_station "
                           "previous_id renewable not_renewable_reason filing_due_on filed_on filing_reference "
                           "created_at updated_at")
CONTRACT_STATION = Table(Contract.stations.through, "id contract_id station_id")
FUNDING_LINE = Table(FundingLine, "id contract_id source amount")
INSTALLMENT = Table(PaymentInstallment, "id contract_id sequence trigger percentage amount triggered_on due_on")
PAYMENT = Table(Payment, "id installment_id paid_on amount reference recorded_at", leaves_empty="recorded_by_id")
PERSON = Table(Person, "id name gender birth_date id_number phone education major social_work_degree local_hukou "
                       "registered_region_id notes created_at updated_at")
EMPLOYMENT = Table(Employment, "id person_id employer_id station_id role start_on end_on notes")
CERTIFICATE = Table(Certificate, "id person_id level number obtained_on")
TRAINING = Table(TrainingRecord, "id person_id held_on kind title provider hours")
REPORT = Table(MonthlyReport, "id station_id period status version volunteers volunteer_hours "
                              "organisations_incubated charity_yuan charity_in_kind needs_records resource_entries "
                              "training_hours highlights problems next_plan first_submitted_at submitted_at "
                              "return_reason reviewed_at created_at updated_at",
               leaves_empty="submitted_by_id reviewed_by_id created_by_id")
REPORT_LINE = Table(MonthlyReportLine, "id report_id domain target_group person_times home_visits "
                                       "cases_active_start cases_opened cases_closed group_sessions "
                                       "community_activities")
TEMPLATE = Table(EvaluationTemplate, "id province_id kind name version status excellent_min good_min pass_min "
                                     "description published_at", leaves_empty="previous_id")
DIMENSION = Table(Dimension, "id template_id name weight order")
INDICATOR = Table(Indicator, "id dimension_id name max_score guidance order")
EVALUATION = Table(Evaluation, "id template_id county_id initiating_region_id contract_id station_id period_start "
                               "period_end evaluator_id status comments total grade submitted_at finalised_on "
                               "consequences_applied_at returned_reason created_at",
                   leaves_empty="submitted_by_id finalised_by_id created_by_id")
SCORE = Table(Score, "id evaluation_id indicator_id score comment")
CONTRACT_EVALUATION = Table(ContractEvaluation, "id contract_id kind kind_label evaluated_on score grade passed "
                                               "reference")

TABLES = [STATION, STATUS_CHANGE, POLICY_DOCUMENT, POLICY_RULE, TARGET, ORGANISATION, CONTRACT, CONTRACT_STATION, FUNDING_LINE, INSTALLMENT,
          PAYMENT, PERSON, EMPLOYMENT, CERTIFICATE, TRAINING, REPORT, REPORT_LINE, TEMPLATE, DIMENSION, INDICATOR,
          EVALUATION, SCORE, CONTRACT_EVALUATION]
