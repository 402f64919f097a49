from foresight.models.classification import (
    CapabilityStatement,
    Domain,
    Function,
    FunctionalArea,
)
from foresight.models.cycles import (
    CapabilityOrigin,
    Cycle,
    CycleCapability,
    CycleSummary,
    ProficiencyLevel,
    RoleLevel,
    Stage,
    StageChange,
    StageError,
    SupplyChainPartner,
    TechnologySolution,
)
from foresight.models.people import Invitation, Membership, Organisation, Role

__all__ = [
    "CapabilityOrigin",
    "CapabilityStatement",
    "Cycle",
    "CycleCapability",
    "CycleSummary",
    "Domain",
    "Function",
    "FunctionalArea",
    "Invitation",
    "Membership",
    "Organisation",
    "ProficiencyLevel",
    "Role",
    "RoleLevel",
    "Stage",
    "StageChange",
    "StageError",
    "SupplyChainPartner",
    "TechnologySolution",
]
