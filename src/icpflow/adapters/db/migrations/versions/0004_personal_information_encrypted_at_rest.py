"""personal information encrypted at rest

Certificate numbers and SMS phones become encrypted tokens (longer: TEXT) found by blind indexes; the
unique keys move from the values to their indexes. Rows written before this revision keep their
plaintext until `icpflow db rotate-keys` encrypts and indexes them (the store reads both meanwhile).
A downgrade restores the schema only: decrypt the data first, or the shorter columns will not hold it.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('sms_inbox', schema=None) as batch_op:
        batch_op.add_column(sa.Column('phone_index', sa.String(length=64), nullable=True))
        batch_op.alter_column('phone',
               existing_type=sa.VARCHAR(length=20),
               type_=sa.Text(),
               existing_nullable=False)
        batch_op.drop_constraint(batch_op.f('uq_sms_inbox_application_id_attempt_phone'), type_='unique')
        batch_op.create_unique_constraint(batch_op.f('uq_sms_inbox_application_id_attempt_phone_index'), ['application_id', 'attempt', 'phone_index'])

    with op.batch_alter_table('subjects', schema=None) as batch_op:
        batch_op.add_column(sa.Column('certificate_index', sa.String(length=64), nullable=True))
        batch_op.alter_column('certificate_number',
               existing_type=sa.VARCHAR(length=64),
               type_=sa.Text(),
               existing_nullable=False)
        batch_op.drop_constraint(batch_op.f('uq_subjects_certificate_number'), type_='unique')
        batch_op.create_unique_constraint(batch_op.f('uq_subjects_certificate_index'), ['certificate_index'])


def downgrade() -> None:
    with op.batch_alter_table('subjects', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_subjects_certificate_index'), type_='unique')
        batch_op.create_unique_constraint(batch_op.f('uq_subjects_certificate_number'), ['certificate_number'])
        batch_op.alter_column('certificate_number',
               existing_type=sa.Text(),
               type_=sa.VARCHAR(length=64),
               existing_nullable=False)
        batch_op.drop_column('certificate_index')

    with op.batch_alter_table('sms_inbox', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_sms_inbox_application_id_attempt_phone_index'), type_='unique')
        batch_op.create_unique_constraint(batch_op.f('uq_sms_inbox_application_id_attempt_phone'), ['application_id', 'attempt', 'phone'])
        batch_op.alter_column('phone',
               existing_type=sa.Text(),
               type_=sa.VARCHAR(length=20),
               existing_nullable=False)
        batch_op.drop_column('phone_index')
