"""Deadline history, withdrawn progress entries, carrying steps into the next fiscal year

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 14:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('due_date_changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('step_id', sa.Integer(), nullable=False),
    sa.Column('old_date', sa.Date(), nullable=False),
    sa.Column('new_date', sa.Date(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('changed_by_id', sa.Integer(), nullable=True),
    sa.Column('changed_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['changed_by_id'], ['users.id'], name=op.f('fk_due_date_changes_changed_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_due_date_changes_organization_id_organizations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['step_id'], ['steps.id'], name=op.f('fk_due_date_changes_step_id_steps'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_due_date_changes'))
    )
    with op.batch_alter_table('due_date_changes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_due_date_changes_changed_by_id'), ['changed_by_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_due_date_changes_organization_id'), ['organization_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_due_date_changes_step_id'), ['step_id'], unique=False)

    op.create_table('progress_withdrawals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('update_id', sa.Integer(), nullable=False),
    sa.Column('withdrawn_by_id', sa.Integer(), nullable=False),
    sa.Column('withdrawn_at', sa.DateTime(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['update_id'], ['progress_updates.id'], name=op.f('fk_progress_withdrawals_update_id_progress_updates'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['withdrawn_by_id'], ['users.id'], name=op.f('fk_progress_withdrawals_withdrawn_by_id_users'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_progress_withdrawals')),
    sa.UniqueConstraint('update_id', name=op.f('uq_progress_withdrawals_update_id'))
    )
    with op.batch_alter_table('progress_withdrawals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_progress_withdrawals_withdrawn_by_id'), ['withdrawn_by_id'], unique=False)

    with op.batch_alter_table('measures', schema=None) as batch_op:
        batch_op.add_column(sa.Column('carried_from_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_measures_carried_from_id'), ['carried_from_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_measures_carried_from_id_measures'), 'measures', ['carried_from_id'], ['id'], ondelete='SET NULL')

    # Existing steps were created with the due date they have now, as far as anyone knows.
    with op.batch_alter_table('steps', schema=None) as batch_op:
        batch_op.add_column(sa.Column('original_due_date', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('carried_from_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_steps_carried_from_id'), ['carried_from_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_steps_carried_from_id_steps'), 'steps', ['carried_from_id'], ['id'], ondelete='SET NULL')
    op.execute("UPDATE steps SET original_due_date = due_date")
    with op.batch_alter_table('steps', schema=None) as batch_op:
        batch_op.alter_column('original_due_date', existing_type=sa.Date(), nullable=False)


def downgrade():
    with op.batch_alter_table('steps', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_steps_carried_from_id_steps'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_steps_carried_from_id'))
        batch_op.drop_column('carried_from_id')
        batch_op.drop_column('original_due_date')

    with op.batch_alter_table('measures', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_measures_carried_from_id_measures'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_measures_carried_from_id'))
        batch_op.drop_column('carried_from_id')

    with op.batch_alter_table('progress_withdrawals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_progress_withdrawals_withdrawn_by_id'))
    op.drop_table('progress_withdrawals')

    with op.batch_alter_table('due_date_changes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_due_date_changes_step_id'))
        batch_op.drop_index(batch_op.f('ix_due_date_changes_organization_id'))
        batch_op.drop_index(batch_op.f('ix_due_date_changes_changed_by_id'))
    op.drop_table('due_date_changes')
