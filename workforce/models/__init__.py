"""People who staff the stations, their assignments, certificates and training, the stipend
rates policy documents set, and the workforce figures a province reports. The other workforce
rules are policy rules (``workforce.rules``). One module per topic; everything is importable from ``workforce.models``."""

from workforce.models.choices import (
    CONTINUING_EDUCATION_KINDS,
    FRONTLINE_ROLES,
    MONTHLY_STIPEND_KINDS,
    RECOGNISED_TRAINING_KINDS,
    SOCIAL_WORKER_ROLES,
    CertificateLevel,
    DisclosureKind,
    Education,
    EmploymentRole,
    Gender,
    StipendKind,
    TrainingKind,
)
from workforce.models.employment import Employment, EmploymentQuerySet
from workforce.models.people import (
    FULL_ID_PERMISSION,
    ID_NUMBER_TAKEN,
    IdNumberDisclosure,
    Person,
    PersonChildQuerySet,
    PersonQuerySet,
)
from workforce.models.placements import Placement, PlacementQuerySet, placement_expressions
from workforce.models.policies import RegionPolicyQuerySet, StipendPolicy
from workforce.models.records import CERTIFICATE_NUMBER_TAKEN, Certificate, TrainingRecord
from workforce.models.reported import ReportedFigure, ReportedFigureQuerySet, ReportedMetric

__all__ = [
    "CERTIFICATE_NUMBER_TAKEN",
    "CONTINUING_EDUCATION_KINDS",
    "FRONTLINE_ROLES",
    "FULL_ID_PERMISSION",
    "ID_NUMBER_TAKEN",
    "MONTHLY_STIPEND_KINDS",
    "RECOGNISED_TRAINING_KINDS",
    "SOCIAL_WORKER_ROLES",
    "Certificate",
    "CertificateLevel",
    "DisclosureKind",
    "Education",
    "Employment",
    "EmploymentQuerySet",
    "EmploymentRole",
    "Gender",
    "IdNumberDisclosure",
    "Person",
    "PersonChildQuerySet",
    "PersonQuerySet",
    "Placement",
    "PlacementQuerySet",
    "RegionPolicyQuerySet",
    "ReportedFigure",
    "ReportedFigureQuerySet",
    "ReportedMetric",
    "StipendKind",
    "StipendPolicy",
    "TrainingKind",
    "TrainingRecord",
    "placement_expressions",
]
