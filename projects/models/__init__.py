from projects.models.contracts import (
    Contract,
    ContractEvaluation,
    FilingStatus,
    FundingLine,
    FundingSource,
    ServiceDomain,
    TargetGroup,
)
from projects.models.organisations import KnownOrganisation, Organisation, OrganisationMember, Rating
from projects.models.payments import InstallmentTrigger, Payment, PaymentInstallment
from projects.models.policies import SocialAssistanceSpending

__all__ = [
    "Contract",
    "ContractEvaluation",
    "FilingStatus",
    "FundingLine",
    "FundingSource",
    "InstallmentTrigger",
    "KnownOrganisation",
    "Organisation",
    "OrganisationMember",
    "Payment",
    "PaymentInstallment",
    "Rating",
    "ServiceDomain",
    "SocialAssistanceSpending",
    "TargetGroup",
]
