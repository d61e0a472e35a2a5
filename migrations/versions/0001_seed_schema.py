"""Seed schema: the design's 20 tables, 10 indexes and updated_at triggers, exactly as written.

Later revisions widen, extend and secure it; docs/schema.md lists every deviation with its reason.

Revision ID: 0001
Revises:
Create Date: 2026-11-24
"""

from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

# In seed order: each table only references tables created before it.
TABLES: tuple[tuple[str, str], ...] = (
    (
        "users",
        """
CREATE TABLE users (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    email VARCHAR(255) UNIQUE NOT NULL,
    password_hash VARCHAR(255) NOT NULL,
    name VARCHAR(100) NOT NULL,
    role VARCHAR(20) NOT NULL CHECK (role IN ('brand', 'admin')),
    is_active BOOLEAN DEFAULT true,
    created_at TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP,
    updated_at TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP
);
""",
    ),
    (
        "user_sessions",
        """
CREATE TABLE user_sessions (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    token VARCHAR(255) UNIQUE NOT NULL,
    expires_at TIMESTAMP WITH TIME ZONE NOT NULL,
    created_at TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP
);
""",
    ),
    (
        "brands",
        """
CREATE TABLE brands (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name VARCHAR(100) NOT NULL,
    description TEXT,
    website VARCHAR(255),
    story TEXT,
    channels TEXT[], -- 판매 채널 배열
    marketing TEXT,
    social_channels TEXT[], -- SNS 채널 배열
    category VARCHAR(50),
    logo_url VARCHAR(255),
    created_at TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP,
    updated_at TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP
);
""",
    ),
    (
        "products",
        """
CREATE TABLE products (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    brand_id UUID NOT NULL REFERENCES brands(id) ON DELETE CASCADE,
    name VARCHAR(200) NOT NULL,
    description TEXT,
    purchase_url VARCHAR(255),
    unit VARCHAR(50),
    price DECIMAL(10, 2),
    ingredients TEXT,
    usage TEXT,
    effects TEXT,
    usp TEXT, -- Unique Selling Proposition
    target_gender VARCHAR(20) CHECK (target_gender IN ('male', 'female', 'unisex')),
    target_age VARCHAR(20), -- 예: "20-29"
    category VARCHAR(50),
    image_url VARCHAR(255),
    created_at TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP,
    updated_at TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP
);
""",
    ),
    (
        "influencers",
        """
CREATE TABLE influencers (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    name VARCHAR(100) NOT NULL,
    real_name VARCHAR(100),
    category VARCHAR(50),
    platform VARCHAR(50) CHECK (platform IN ('douyin', 'xiaohongshu', 'weibo', 'bilibili')),
    region VARCHAR(50),
    followers INTEGER,
    avg_views INTEGER,
    avg_likes INTEGER,
    avg_comments INTEGER,
    engagement_rate DECIMAL(5, 2),
    profile_image_url VARCHAR(255),
    instagram_url VARCHAR(255),
    youtube_url VARCHAR(255),
    xiaohongshu_url VARCHAR(255),
    tiktok_url VARCHAR(255),
    douyin_url VARCHAR(255),
    weibo_url VARCHAR(255),
    bilibili_url VARCHAR(255),
    base_fee DECIMAL(10, 2),
    is_active BOOLEAN DEFAULT true,
    created_at TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP,
    updated_at TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP
);
""",
    ),
    (
        "campaigns",
        """
CREATE TABLE campaigns (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    brand_id UUID NOT NULL REFERENCES brands(id) ON DELETE CASCADE,
    product_id UUID NOT NULL REFERENCES products(id) ON DELETE CASCADE,
    title VARCHAR(200) NOT NULL,
    description TEXT,
    budget DECIMAL(10, 2) NOT NULL,
    campaign_start_date DATE NOT NULL,
    campaign_end_date DATE NOT NULL,
    proposal_deadline DATE NOT NULL,
    ad_type VARCHAR(50) CHECK (ad_type IN ('branding', 'live-commerce')),
    status VARCHAR(50) NOT NULL DEFAULT 'creating',
    current_stage INTEGER DEFAULT 1,
    created_at TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP,
    updated_at TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP
);
""",
    ),
    (
        "campaign_target_content",
        """
CREATE TABLE campaign_target_content (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    campaign_id UUID UNIQUE NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
    influencer_categories TEXT[],
    target_age VARCHAR(20),
    usp_importance INTEGER CHECK (usp_importance BETWEEN 1 AND 5),
    influencer_impact TEXT,
    additional_description TEXT,
    secondary_content_usage BOOLEAN DEFAULT false
);
""",
    ),
    (
        "campaign_influencers",
        """
CREATE TABLE campaign_influencers (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    campaign_id UUID NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
    influencer_id UUID NOT NULL REFERENCES influencers(id) ON DELETE CASCADE,
    proposed_fee DECIMAL(10, 2),
    ad_fee DECIMAL(10, 2),
    deliverables TEXT[],
    additional_terms TEXT,
    status VARCHAR(50) NOT NULL DEFAULT 'invited',
    production_start_date DATE,
    production_deadline DATE,
    created_at TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP,
    updated_at TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP,
    UNIQUE(campaign_id, influencer_id)
);
""",
    ),
    (
        "personas",
        """
CREATE TABLE personas (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    brand_id UUID NOT NULL REFERENCES brands(id) ON DELETE CASCADE,
    product_id UUID REFERENCES products(id) ON DELETE SET NULL,
    name VARCHAR(100) NOT NULL,
    age VARCHAR(20),
    gender VARCHAR(20),
    interests TEXT[],
    occupation VARCHAR(100),
    lifestyle TEXT,
    shopping_habits TEXT,
    created_at TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP,
    updated_at TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP
);
""",
    ),
    (
        "content_plans",
        """
CREATE TABLE content_plans (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    campaign_id UUID NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
    influencer_id UUID NOT NULL REFERENCES influencers(id) ON DELETE CASCADE,
    content_type VARCHAR(20) CHECK (content_type IN ('image', 'video')),
    status VARCHAR(50) NOT NULL DEFAULT 'draft',
    plan_data JSONB NOT NULL, -- 이미지/비디오 기획 데이터
    current_revision_number INTEGER DEFAULT 0,
    created_at TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP,
    updated_at TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP
);
""",
    ),
    (
        "content_submissions",
        """
CREATE TABLE content_submissions (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    campaign_id UUID NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
    influencer_id UUID NOT NULL REFERENCES influencers(id) ON DELETE CASCADE,
    content_type VARCHAR(20) CHECK (content_type IN ('image', 'video')),
    status VARCHAR(50) NOT NULL DEFAULT 'draft',
    current_revision_number INTEGER DEFAULT 0,
    published_url VARCHAR(255),
    published_at TIMESTAMP WITH TIME ZONE,
    created_at TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP,
    updated_at TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP
);
""",
    ),
    (
        "content_files",
        """
CREATE TABLE content_files (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    submission_id UUID NOT NULL REFERENCES content_submissions(id) ON DELETE CASCADE,
    file_url VARCHAR(255) NOT NULL,
    file_type VARCHAR(50),
    file_size INTEGER,
    thumbnail_url VARCHAR(255),
    duration INTEGER, -- 비디오의 경우 초 단위
    created_at TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP
);
""",
    ),
    (
        "content_revisions",
        """
CREATE TABLE content_revisions (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    content_plan_id UUID REFERENCES content_plans(id) ON DELETE CASCADE,
    submission_id UUID REFERENCES content_submissions(id) ON DELETE CASCADE,
    revision_number INTEGER NOT NULL,
    feedback TEXT,
    feedback_by UUID REFERENCES users(id),
    status VARCHAR(50),
    revision_data JSONB,
    created_at TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP,
    CHECK (
        (content_plan_id IS NOT NULL AND submission_id IS NULL) OR
        (content_plan_id IS NULL AND submission_id IS NOT NULL)
    )
);
""",
    ),
    (
        "performance_metrics",
        """
CREATE TABLE performance_metrics (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    campaign_id UUID NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
    influencer_id UUID NOT NULL REFERENCES influencers(id) ON DELETE CASCADE,
    content_submission_id UUID REFERENCES content_submissions(id) ON DELETE CASCADE,
    platform VARCHAR(50) NOT NULL,
    metric_date DATE NOT NULL,
    views INTEGER DEFAULT 0,
    likes INTEGER DEFAULT 0,
    comments INTEGER DEFAULT 0,
    shares INTEGER DEFAULT 0,
    saves INTEGER DEFAULT 0,
    engagement_rate DECIMAL(5, 2),
    click_through_rate DECIMAL(5, 2),
    conversion_rate DECIMAL(5, 2),
    sales_amount DECIMAL(10, 2),
    created_at TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP,
    updated_at TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP,
    UNIQUE(campaign_id, influencer_id, platform, metric_date)
);
""",
    ),
    (
        "comment_analysis",
        """
CREATE TABLE comment_analysis (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    performance_metric_id UUID NOT NULL REFERENCES performance_metrics(id) ON DELETE CASCADE,
    total_comments INTEGER,
    positive_comments INTEGER,
    negative_comments INTEGER,
    neutral_comments INTEGER,
    key_topics TEXT[],
    sentiment_score DECIMAL(3, 2), -- -1.0 ~ 1.0
    analysis_data JSONB,
    analyzed_at TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP
);
""",
    ),
    (
        "settlements",
        """
CREATE TABLE settlements (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    campaign_id UUID NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
    brand_id UUID NOT NULL REFERENCES brands(id) ON DELETE CASCADE,
    amount DECIMAL(10, 2) NOT NULL,
    status VARCHAR(50) NOT NULL DEFAULT 'pending',
    due_date DATE,
    completed_at TIMESTAMP WITH TIME ZONE,
    created_at TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP,
    updated_at TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP
);
""",
    ),
    (
        "tax_invoices",
        """
CREATE TABLE tax_invoices (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    settlement_id UUID NOT NULL REFERENCES settlements(id) ON DELETE CASCADE,
    invoice_number VARCHAR(50) UNIQUE NOT NULL,
    business_number VARCHAR(50),
    company_name VARCHAR(100),
    ceo_name VARCHAR(50),
    address TEXT,
    business_type VARCHAR(50),
    business_item VARCHAR(50),
    amount DECIMAL(10, 2) NOT NULL,
    tax_amount DECIMAL(10, 2) NOT NULL,
    total_amount DECIMAL(10, 2) NOT NULL,
    issued_date DATE NOT NULL,
    file_url VARCHAR(255),
    created_at TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP
);
""",
    ),
    (
        "payments",
        """
CREATE TABLE payments (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    settlement_id UUID NOT NULL REFERENCES settlements(id) ON DELETE CASCADE,
    payment_method VARCHAR(50),
    transaction_id VARCHAR(100),
    paid_amount DECIMAL(10, 2) NOT NULL,
    paid_at TIMESTAMP WITH TIME ZONE NOT NULL,
    receipt_url VARCHAR(255),
    created_at TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP
);
""",
    ),
    (
        "audit_logs",
        """
CREATE TABLE audit_logs (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id UUID REFERENCES users(id) ON DELETE SET NULL,
    action VARCHAR(100) NOT NULL,
    entity_type VARCHAR(50),
    entity_id UUID,
    old_values JSONB,
    new_values JSONB,
    ip_address INET,
    user_agent TEXT,
    created_at TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP
);
""",
    ),
    (
        "notifications",
        """
CREATE TABLE notifications (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    type VARCHAR(50) NOT NULL,
    title VARCHAR(200) NOT NULL,
    message TEXT,
    data JSONB,
    is_read BOOLEAN DEFAULT false,
    read_at TIMESTAMP WITH TIME ZONE,
    created_at TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP
);
""",
    ),
)

INDEXES: tuple[str, ...] = (
    "CREATE INDEX idx_users_email ON users(email)",
    "CREATE INDEX idx_campaigns_brand_id ON campaigns(brand_id)",
    "CREATE INDEX idx_campaigns_status ON campaigns(status)",
    "CREATE INDEX idx_campaign_influencers_campaign_id ON campaign_influencers(campaign_id)",
    "CREATE INDEX idx_campaign_influencers_influencer_id ON campaign_influencers(influencer_id)",
    "CREATE INDEX idx_content_submissions_campaign_id ON content_submissions(campaign_id)",
    "CREATE INDEX idx_performance_metrics_campaign_id ON performance_metrics(campaign_id)",
    "CREATE INDEX idx_performance_metrics_date ON performance_metrics(metric_date)",
    "CREATE INDEX idx_audit_logs_user_id ON audit_logs(user_id)",
    "CREATE INDEX idx_audit_logs_created_at ON audit_logs(created_at)",
)

UPDATED_AT_TABLES: tuple[str, ...] = (
    "users",
    "brands",
    "products",
    "influencers",
    "campaigns",
    "campaign_influencers",
    "personas",
    "content_plans",
    "content_submissions",
    "performance_metrics",
    "settlements",
)

UPDATE_UPDATED_AT_FUNCTION = """
CREATE OR REPLACE FUNCTION update_updated_at_column()
RETURNS TRIGGER AS $$
BEGIN
    NEW.updated_at = CURRENT_TIMESTAMP;
    RETURN NEW;
END;
$$ language 'plpgsql'
"""


def upgrade() -> None:
    """Create the seed's tables, indexes, trigger function and triggers."""
    for _name, ddl in TABLES:
        op.execute(ddl)
    for ddl in INDEXES:
        op.execute(ddl)
    op.execute(UPDATE_UPDATED_AT_FUNCTION)
    for table in UPDATED_AT_TABLES:
        # Identifiers come from the constant tuple above, never from input.
        op.execute(
            f"CREATE TRIGGER update_{table}_updated_at BEFORE UPDATE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION update_updated_at_column()"
        )


def downgrade() -> None:
    """Drop everything upgrade() made (the seed's rollback plan, U1)."""
    for name, _ddl in reversed(TABLES):
        op.execute(f"DROP TABLE IF EXISTS {name} CASCADE")
    op.execute("DROP FUNCTION IF EXISTS update_updated_at_column()")
