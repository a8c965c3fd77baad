"""face verification tasks

Revision ID: 0004a
Revises: 0004
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import icpflow.adapters.db.tables

revision = '0004a'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table('face_tasks',
    sa.Column('task_id', sa.String(length=80), nullable=False),
    sa.Column('application_id', sa.String(length=36), nullable=False),
    sa.Column('verify_url', sa.String(length=300), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('created_at', icpflow.adapters.db.tables.UtcDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', icpflow.adapters.db.tables.UtcDateTime(timezone=True), nullable=False),
    sa.Column('completes_at', icpflow.adapters.db.tables.UtcDateTime(timezone=True), nullable=True),
    sa.Column('planned_passed', sa.Boolean(), nullable=True),
    sa.Column('completed_at', icpflow.adapters.db.tables.UtcDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_face_tasks_application_id_applications')),
    sa.PrimaryKeyConstraint('task_id', name=op.f('pk_face_tasks'))
    )
    with op.batch_alter_table('face_tasks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_face_tasks_application_id'), ['application_id'], unique=False)




def downgrade() -> None:

    with op.batch_alter_table('face_tasks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_face_tasks_application_id'))

    op.drop_table('face_tasks')

