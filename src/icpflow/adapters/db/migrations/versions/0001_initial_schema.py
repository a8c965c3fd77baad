"""initial schema

Revision ID: 0001
Revises: 
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import icpflow.adapters.db.tables

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table('inbox_messages',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('recipient', sa.String(length=64), nullable=False),
    sa.Column('application_id', sa.String(length=36), nullable=False),
    sa.Column('subject', sa.String(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', icpflow.adapters.db.tables.UtcDateTime(timezone=True), nullable=False),
    sa.Column('read_at', icpflow.adapters.db.tables.UtcDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_inbox_messages')),
    sa.UniqueConstraint('key', name=op.f('uq_inbox_messages_key'))
    )
    with op.batch_alter_table('inbox_messages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_inbox_messages_recipient'), ['recipient'], unique=False)

    op.create_table('outbox',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=24), nullable=False),
    sa.Column('payload', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('available_at', icpflow.adapters.db.tables.UtcDateTime(timezone=True), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('done_at', icpflow.adapters.db.tables.UtcDateTime(timezone=True), nullable=True),
    sa.Column('failed_at', icpflow.adapters.db.tables.UtcDateTime(timezone=True), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox')),
    sa.UniqueConstraint('key', name=op.f('uq_outbox_key'))
    )
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.create_index('ix_outbox_pending', ['available_at'], unique=False, sqlite_where=sa.text('done_at IS NULL AND failed_at IS NULL'), postgresql_where=sa.text('done_at IS NULL AND failed_at IS NULL'))

    op.create_table('serial_counters',
    sa.Column('province', sa.String(length=6), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('next_value', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('province', 'year', name=op.f('pk_serial_counters'))
    )
    op.create_table('subjects',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('certificate_number', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('nature', sa.String(length=40), nullable=False),
    sa.Column('province', sa.String(length=6), nullable=False),
    sa.Column('owner', sa.String(length=64), nullable=False),
    sa.Column('serial', sa.String(length=10), nullable=True),
    sa.Column('next_service', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', icpflow.adapters.db.tables.UtcDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_subjects')),
    sa.UniqueConstraint('certificate_number', name=op.f('uq_subjects_certificate_number')),
    sa.UniqueConstraint('province', 'serial', name=op.f('uq_subjects_province_serial'))
    )
    with op.batch_alter_table('subjects', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_subjects_owner'), ['owner'], unique=False)

    op.create_table('submission_quota',
    sa.Column('quota_day', sa.Date(), nullable=False),
    sa.Column('used', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('quota_day', name=op.f('pk_submission_quota'))
    )
    op.create_table('programs',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('subject_id', sa.String(length=36), nullable=False),
    sa.Column('appid', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('type', sa.String(length=20), nullable=False),
    sa.Column('listed', sa.Boolean(), nullable=False),
    sa.Column('owner', sa.String(length=64), nullable=False),
    sa.Column('created_at', icpflow.adapters.db.tables.UtcDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['subject_id'], ['subjects.id'], name=op.f('fk_programs_subject_id_subjects')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_programs')),
    sa.UniqueConstraint('appid', name=op.f('uq_programs_appid'))
    )
    with op.batch_alter_table('programs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_programs_owner'), ['owner'], unique=False)
        batch_op.create_index(batch_op.f('ix_programs_subject_id'), ['subject_id'], unique=False)

    op.create_table('applications',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('owner', sa.String(length=64), nullable=False),
    sa.Column('subject_id', sa.String(length=36), nullable=False),
    sa.Column('program_id', sa.String(length=36), nullable=True),
    sa.Column('province', sa.String(length=6), nullable=False),
    sa.Column('document', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('state', sa.String(length=24), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('record_number', sa.String(length=40), nullable=False),
    sa.Column('sms_attempt', sa.Integer(), nullable=False),
    sa.Column('sms_resends_left', sa.Integer(), nullable=False),
    sa.Column('gateway', sa.String(length=20), nullable=False),
    sa.Column('gateway_reference', sa.String(length=80), nullable=False),
    sa.Column('reasons', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('issued_number', sa.String(length=40), nullable=False),
    sa.Column('created_at', icpflow.adapters.db.tables.UtcDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', icpflow.adapters.db.tables.UtcDateTime(timezone=True), nullable=False),
    sa.Column('submitted_at', icpflow.adapters.db.tables.UtcDateTime(timezone=True), nullable=True),
    sa.Column('due_at', icpflow.adapters.db.tables.UtcDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['program_id'], ['programs.id'], name=op.f('fk_applications_program_id_programs')),
    sa.ForeignKeyConstraint(['subject_id'], ['subjects.id'], name=op.f('fk_applications_subject_id_subjects')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_applications'))
    )
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_applications_owner'), ['owner'], unique=False)
        batch_op.create_index(batch_op.f('ix_applications_program_id'), ['program_id'], unique=False)
        batch_op.create_index('ix_applications_state_due_at', ['state', 'due_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_applications_subject_id'), ['subject_id'], unique=False)

    op.create_table('events',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('application_id', sa.String(length=36), nullable=False),
    sa.Column('event', sa.String(length=40), nullable=False),
    sa.Column('from_state', sa.String(length=24), nullable=False),
    sa.Column('to_state', sa.String(length=24), nullable=False),
    sa.Column('actor', sa.String(length=64), nullable=False),
    sa.Column('at', icpflow.adapters.db.tables.UtcDateTime(timezone=True), nullable=False),
    sa.Column('data', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_events_application_id_applications')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_events'))
    )
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_events_application_id'), ['application_id'], unique=False)

    op.create_table('filing_records',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('subject_id', sa.String(length=36), nullable=False),
    sa.Column('program_id', sa.String(length=36), nullable=True),
    sa.Column('number', sa.String(length=40), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('application_id', sa.String(length=36), nullable=False),
    sa.Column('issued_at', icpflow.adapters.db.tables.UtcDateTime(timezone=True), nullable=False),
    sa.Column('cancelled_at', icpflow.adapters.db.tables.UtcDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_filing_records_application_id_applications')),
    sa.ForeignKeyConstraint(['program_id'], ['programs.id'], name=op.f('fk_filing_records_program_id_programs')),
    sa.ForeignKeyConstraint(['subject_id'], ['subjects.id'], name=op.f('fk_filing_records_subject_id_subjects')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_filing_records')),
    sa.UniqueConstraint('number', name=op.f('uq_filing_records_number'))
    )
    with op.batch_alter_table('filing_records', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_filing_records_program_id'), ['program_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_filing_records_subject_id'), ['subject_id'], unique=False)

    op.create_table('sms_inbox',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('application_id', sa.String(length=36), nullable=False),
    sa.Column('phone', sa.String(length=20), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('code', sa.String(length=12), nullable=False),
    sa.Column('attempt', sa.Integer(), nullable=False),
    sa.Column('sent_at', icpflow.adapters.db.tables.UtcDateTime(timezone=True), nullable=False),
    sa.Column('simulated', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_sms_inbox_application_id_applications')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sms_inbox')),
    sa.UniqueConstraint('application_id', 'attempt', 'phone', name=op.f('uq_sms_inbox_application_id_attempt_phone'))
    )
    with op.batch_alter_table('sms_inbox', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sms_inbox_application_id'), ['application_id'], unique=False)

    op.create_table('timers',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('application_id', sa.String(length=36), nullable=False),
    sa.Column('kind', sa.String(length=24), nullable=False),
    sa.Column('due_at', icpflow.adapters.db.tables.UtcDateTime(timezone=True), nullable=False),
    sa.Column('payload', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('fired_at', icpflow.adapters.db.tables.UtcDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_timers_application_id_applications')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_timers'))
    )
    with op.batch_alter_table('timers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_timers_application_id'), ['application_id'], unique=False)
        batch_op.create_index('ix_timers_pending_due', ['due_at'], unique=False, sqlite_where=sa.text('fired_at IS NULL'), postgresql_where=sa.text('fired_at IS NULL'))




def downgrade() -> None:

    with op.batch_alter_table('timers', schema=None) as batch_op:
        batch_op.drop_index('ix_timers_pending_due', sqlite_where=sa.text('fired_at IS NULL'), postgresql_where=sa.text('fired_at IS NULL'))
        batch_op.drop_index(batch_op.f('ix_timers_application_id'))

    op.drop_table('timers')
    with op.batch_alter_table('sms_inbox', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sms_inbox_application_id'))

    op.drop_table('sms_inbox')
    with op.batch_alter_table('filing_records', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_filing_records_subject_id'))
        batch_op.drop_index(batch_op.f('ix_filing_records_program_id'))

    op.drop_table('filing_records')
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_events_application_id'))

    op.drop_table('events')
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_applications_subject_id'))
        batch_op.drop_index('ix_applications_state_due_at')
        batch_op.drop_index(batch_op.f('ix_applications_program_id'))
        batch_op.drop_index(batch_op.f('ix_applications_owner'))

    op.drop_table('applications')
    with op.batch_alter_table('programs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_programs_subject_id'))
        batch_op.drop_index(batch_op.f('ix_programs_owner'))

    op.drop_table('programs')
    op.drop_table('submission_quota')
    with op.batch_alter_table('subjects', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_subjects_owner'))

    op.drop_table('subjects')
    op.drop_table('serial_counters')
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_pending', sqlite_where=sa.text('done_at IS NULL AND failed_at IS NULL'), postgresql_where=sa.text('done_at IS NULL AND failed_at IS NULL'))

    op.drop_table('outbox')
    with op.batch_alter_table('inbox_messages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_inbox_messages_recipient'))

    op.drop_table('inbox_messages')

