from .actions import Action
from .assessments import AISystem, Answer, Assessment, Report
from .organisations import Invitation, Membership, Organisation, Role
from .question_bank import (
    Framework,
    FrameworkVersion,
    Option,
    PublishedVersionError,
    Question,
    Section,
    Source,
)
from .reference import Jurisdiction, NegativeListCategory
from .signoff import SignOff

__all__ = [
    "AISystem",
    "Action",
    "Answer",
    "Assessment",
    "Framework",
    "FrameworkVersion",
    "Invitation",
    "Jurisdiction",
    "Membership",
    "NegativeListCategory",
    "Option",
    "Organisation",
    "PublishedVersionError",
    "Question",
    "Report",
    "Role",
    "Section",
    "SignOff",
    "Source",
]
