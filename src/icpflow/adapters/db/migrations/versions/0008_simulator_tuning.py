"""simulator tuning

The regulator simulator's operator values (the approve ratio, on top of ICPFLOW_SIMULATOR_APPROVE_RATIO) and
the bureau decisions forced per application, kept in the database so that every process (API processes, the
worker) decides with them and they survive a restart; their changes go to the existing `config_changes`
history (kinds `simulator`, `simulator_force`), whose length every process polls.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import icpflow.adapters.db.tables

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('simulator_settings',
    sa.Column('key', sa.String(length=50), nullable=False),
    sa.Column('value', sa.Float(), nullable=False),
    sa.Column('set_by', sa.String(length=64), nullable=False),
    sa.Column('set_at', icpflow.adapters.db.tables.UtcDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_simulator_settings'))
    )
    op.create_table('simulator_forced_decisions',
    sa.Column('application_id', sa.String(length=36), nullable=False),
    sa.Column('approved', sa.Boolean(), nullable=False),
    sa.Column('set_by', sa.String(length=64), nullable=False),
    sa.Column('set_at', icpflow.adapters.db.tables.UtcDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'],
                            name=op.f('fk_simulator_forced_decisions_application_id_applications')),
    sa.PrimaryKeyConstraint('application_id', name=op.f('pk_simulator_forced_decisions'))
    )


def downgrade() -> None:
    # the history keeps its `simulator` rows: it is append-only, and its length is the configuration version
    op.drop_table('simulator_forced_decisions')
    op.drop_table('simulator_settings')
