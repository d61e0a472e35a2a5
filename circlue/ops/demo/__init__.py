"""Demo data: four Korean brands, Chinese influencers and campaigns at every workflow stage, in one transaction.

The package is split by domain: *_data modules hold the catalogues, one builder part per domain plans its rows
(accounts, influencers, campaigns, content, metrics, money, notifications), and loader.load_demo runs it all.
"""

from circlue.ops.demo.accounts import ADMIN_EMAIL, DEMO_ACCOUNTS, DEMO_PASSWORD, DemoAccount
from circlue.ops.demo.influencer_data import INFLUENCER_COLUMNS, influencer_rows
from circlue.ops.demo.influencers import COPY_THRESHOLD
from circlue.ops.demo.loader import DemoResult, load_demo

__all__ = [
    "ADMIN_EMAIL",
    "COPY_THRESHOLD",
    "DEMO_ACCOUNTS",
    "DEMO_PASSWORD",
    "INFLUENCER_COLUMNS",
    "DemoAccount",
    "DemoResult",
    "influencer_rows",
    "load_demo",
]
