from projects.models.contracts import (
    Contract,
    FilingStatus,
    FundingLine,
    FundingSource,
    ServiceDomain,
    TargetGroup,
)
from projects.models.evaluations import ContractEvaluation
from projects.models.organisations import KnownOrganisation, Organisation, OrganisationMember, Rating
from projects.models.payments import InstallmentTrigger, Payment, PaymentInstallment
from projects.models.policies import MinimumWage, SocialAssistanceSpending

__all__ = [
    "Contract",
    "ContractEvaluation",
    "FilingStatus",
    "FundingLine",
    "FundingSource",
    "InstallmentTrigger",
    "KnownOrganisation",
    "MinimumWage",
    "Organisation",
    "OrganisationMember",
    "Payment",
    "PaymentInstallment",
    "Rating",
    "ServiceDomain",
    "SocialAssistanceSpending",
    "TargetGroup",
]
