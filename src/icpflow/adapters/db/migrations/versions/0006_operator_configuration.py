"""operator configuration

Rule overrides, the operator's holiday table and the years declared complete, edited by operators in the
console and the API, with an append-only history of every change (its row count is the configuration
version every process polls).

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import icpflow.adapters.db.tables

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('config_changes',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('at', icpflow.adapters.db.tables.UtcDateTime(timezone=True), nullable=False),
    sa.Column('account_id', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('target', sa.String(length=100), nullable=False),
    sa.Column('action', sa.String(length=10), nullable=False),
    sa.Column('before', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=True),
    sa.Column('after', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_config_changes'))
    )
    with op.batch_alter_table('config_changes', schema=None) as batch_op:
        batch_op.create_index('ix_config_changes_kind_target', ['kind', 'target'], unique=False)

    op.create_table('holiday_entries',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('name', sa.String(length=50), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('created_at', icpflow.adapters.db.tables.UtcDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind IN ('holiday', 'workday')", name=op.f('ck_holiday_entries_kind')),
    sa.PrimaryKeyConstraint('day', name=op.f('pk_holiday_entries'))
    )
    op.create_table('holiday_years',
    sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('declared_by', sa.String(length=64), nullable=False),
    sa.Column('declared_at', icpflow.adapters.db.tables.UtcDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('year', name=op.f('pk_holiday_years'))
    )
    op.create_table('rule_overrides',
    sa.Column('rule_id', sa.String(length=100), nullable=False),
    sa.Column('enabled', sa.Boolean(), nullable=True),
    sa.Column('severity', sa.String(length=10), nullable=True),
    sa.Column('effective_from', sa.Date(), nullable=True),
    sa.Column('effective_to', sa.Date(), nullable=True),
    sa.Column('message', sa.Text(), nullable=True),
    sa.Column('fix', sa.Text(), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('updated_by', sa.String(length=64), nullable=False),
    sa.Column('updated_at', icpflow.adapters.db.tables.UtcDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('rule_id', name=op.f('pk_rule_overrides'))
    )


def downgrade() -> None:
    op.drop_table('rule_overrides')
    op.drop_table('holiday_years')
    op.drop_table('holiday_entries')
    with op.batch_alter_table('config_changes', schema=None) as batch_op:
        batch_op.drop_index('ix_config_changes_kind_target')
    op.drop_table('config_changes')
