"""The decision aid's content, one module per room: what every kind shares (base), sources,
options, what is said about them (evidence), the questionnaire, the aid's pages, and publishing.

Patients only ever see published options. Everything an option says carries at least one source.
Import models from here (`from treatments.models import Option`); which models a published
version holds, and an option's parts, are declared in treatments/schema.py.
"""

from treatments.models.base import (
    CitesSources,
    FixedSlug,
    NaturalKeyManager,
    SlugManager,
    SlugModel,
    remembering_natural_keys,
    slug_help,
)
from treatments.models.evidence import (
    EVIDENCE_ORDER,
    Availability,
    Claim,
    ClaimCheck,
    ClaimKind,
    Cost,
    Finding,
    Region,
    Study,
)
from treatments.models.feedback import MistakeReport
from treatments.models.knowledge import KnowledgeChoice, KnowledgeChoiceManager, KnowledgeQuestion
from treatments.models.options import (
    REVIEW_INTERVAL,
    REVIEW_SOON_DAYS,
    Certainty,
    CertaintyBasis,
    Option,
    OptionQuerySet,
)
from treatments.models.pages import Aid, AidManager, Page, PageSection, Term
from treatments.models.publishing import Release, ReleaseQuerySet, Review, Submission
from treatments.models.questionnaire import (
    FLOW_STEP_SLUGS,
    Choice,
    ChoiceManager,
    Consideration,
    ConsiderationQuerySet,
    Question,
    QuestionPage,
    SuggestedQuestion,
    Value,
    ValueRating,
    not_a_flow_step,
)
from treatments.models.sources import (
    DOI_PREFIX,
    PMID_PREFIX,
    Source,
    SourceKind,
    clean_doi,
    clean_pmid,
)

__all__ = [
    "DOI_PREFIX",
    "EVIDENCE_ORDER",
    "FLOW_STEP_SLUGS",
    "PMID_PREFIX",
    "REVIEW_INTERVAL",
    "REVIEW_SOON_DAYS",
    "Aid",
    "AidManager",
    "Availability",
    "Certainty",
    "CertaintyBasis",
    "Choice",
    "CitesSources",
    "ChoiceManager",
    "Claim",
    "ClaimCheck",
    "ClaimKind",
    "Consideration",
    "ConsiderationQuerySet",
    "Cost",
    "Finding",
    "FixedSlug",
    "KnowledgeChoice",
    "KnowledgeChoiceManager",
    "KnowledgeQuestion",
    "MistakeReport",
    "NaturalKeyManager",
    "Option",
    "OptionQuerySet",
    "Page",
    "PageSection",
    "Question",
    "QuestionPage",
    "Region",
    "Release",
    "ReleaseQuerySet",
    "Review",
    "Submission",
    "SlugManager",
    "SlugModel",
    "Source",
    "SourceKind",
    "Study",
    "SuggestedQuestion",
    "Term",
    "Value",
    "ValueRating",
    "clean_doi",
    "clean_pmid",
    "not_a_flow_step",
    "remembering_natural_keys",
    "slug_help",
]
