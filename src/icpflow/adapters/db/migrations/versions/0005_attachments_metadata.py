"""attachments metadata

Who uploaded which stored attachment (the bytes are in the attachment storage, by SHA-256).

Revision ID: 0005
Revises: 0004a
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import icpflow.adapters.db.tables

revision = '0005'
down_revision = '0004a'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('attachments_meta',
    sa.Column('object_id', sa.String(length=64), nullable=False),
    sa.Column('owner', sa.String(length=64), nullable=False),
    sa.Column('size_bytes', sa.Integer(), nullable=False),
    sa.Column('format', sa.String(length=8), nullable=False),
    sa.Column('width', sa.Integer(), nullable=True),
    sa.Column('height', sa.Integer(), nullable=True),
    sa.Column('created_at', icpflow.adapters.db.tables.UtcDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('object_id', 'owner', name=op.f('pk_attachments_meta'))
    )


def downgrade() -> None:
    op.drop_table('attachments_meta')
