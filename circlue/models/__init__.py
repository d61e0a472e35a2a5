"""SQLAlchemy 2 typed models, one module per domain; the DDL itself lives in migrations/."""

from circlue.models.base import Base
from circlue.models.brands import Brand
from circlue.models.campaigns import Campaign, CampaignInfluencer, CampaignStatusHistory, CampaignTargetContent
from circlue.models.content import ContentFile, ContentPlan, ContentRevision, ContentSubmission
from circlue.models.influencers import PLATFORMS, Influencer
from circlue.models.metrics import CommentAnalysis, PerformanceMetric
from circlue.models.personas import Persona
from circlue.models.products import Product
from circlue.models.settlements import Payment, Settlement, TaxInvoice
from circlue.models.system import AuditLog, Notification
from circlue.models.users import ROLES, STAFF_ROLES, User, UserSession

__all__ = [
    "PLATFORMS",
    "ROLES",
    "STAFF_ROLES",
    "AuditLog",
    "Base",
    "Brand",
    "Campaign",
    "CampaignInfluencer",
    "CampaignStatusHistory",
    "CampaignTargetContent",
    "CommentAnalysis",
    "ContentFile",
    "ContentPlan",
    "ContentRevision",
    "ContentSubmission",
    "Influencer",
    "Notification",
    "Payment",
    "PerformanceMetric",
    "Persona",
    "Product",
    "Settlement",
    "TaxInvoice",
    "User",
    "UserSession",
]
