"""platform policy

The operator's values of platform-policy keys (certificate validity, withdrawal, daily quota, review
deadlines …), each on top of the deployment setting it replaces; their changes go to the existing
`config_changes` history (kind `policy`).

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import icpflow.adapters.db.tables

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('policy_overrides',
    sa.Column('key', sa.String(length=50), nullable=False),
    sa.Column('value', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('updated_by', sa.String(length=64), nullable=False),
    sa.Column('updated_at', icpflow.adapters.db.tables.UtcDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_policy_overrides'))
    )


def downgrade() -> None:
    # the history keeps its `policy` rows: it is append-only, and its length is the configuration version
    op.drop_table('policy_overrides')
