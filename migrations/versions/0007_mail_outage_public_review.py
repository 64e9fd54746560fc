"""Mail outages (first failure, alerts told) and the review of notes before the public page

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 14:40:00

"""
from alembic import op
import sqlalchemy as sa



# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('first_failed_at', sa.DateTime(), nullable=True))

    op.create_table('mail_alerts',
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('failing_since', sa.DateTime(), nullable=False),
    sa.Column('alerted_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_mail_alerts_organization_id_organizations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('organization_id', name=op.f('pk_mail_alerts'))
    )

    with op.batch_alter_table('public_pages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('review_notes', sa.Boolean(), server_default=sa.false(), nullable=False))

    op.create_table('approved_notes',
    sa.Column('update_id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('approved_by_id', sa.Integer(), nullable=True),
    sa.Column('approved_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['approved_by_id'], ['users.id'], name=op.f('fk_approved_notes_approved_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_approved_notes_organization_id_organizations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['update_id'], ['progress_updates.id'], name=op.f('fk_approved_notes_update_id_progress_updates'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('update_id', name=op.f('pk_approved_notes'))
    )
    with op.batch_alter_table('approved_notes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_approved_notes_organization_id'), ['organization_id'], unique=False)


def downgrade():
    with op.batch_alter_table('approved_notes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_approved_notes_organization_id'))
    op.drop_table('approved_notes')
    with op.batch_alter_table('public_pages', schema=None) as batch_op:
        batch_op.drop_column('review_notes')
    op.drop_table('mail_alerts')
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_column('first_failed_at')
