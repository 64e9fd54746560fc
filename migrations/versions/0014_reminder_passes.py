"""Passes of the daily reminder decision over many organizations, and each run's pass

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02 18:20:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'reminder_passes',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('trigger', sa.String(length=20), nullable=False),
        sa.Column('label', sa.String(length=100), nullable=False),
        sa.Column('started_at', sa.DateTime(), nullable=False),
        sa.Column('finished_at', sa.DateTime(), nullable=True),
        sa.Column('organizations', sa.Integer(), nullable=False),
        sa.Column('messages_created', sa.Integer(), nullable=False),
        sa.Column('failures', sa.Integer(), nullable=False),
        sa.Column('seconds', sa.Float(), nullable=True),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_reminder_passes')),
    )
    with op.batch_alter_table('reminder_runs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('pass_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_reminder_runs_pass_id'), ['pass_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_reminder_runs_pass_id_reminder_passes'), 'reminder_passes',
                                    ['pass_id'], ['id'], ondelete='SET NULL')


def downgrade():
    with op.batch_alter_table('reminder_runs', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_reminder_runs_pass_id_reminder_passes'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_reminder_runs_pass_id'))
        batch_op.drop_column('pass_id')
    op.drop_table('reminder_passes')
