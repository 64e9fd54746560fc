"""Drafted measures of next year's ITA document and each organization's own opening text

Revision ID: 0012
Revises: 0009
Create Date: 2026-12-02 14:40:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0012'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('measure_drafts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('assessment_id', sa.Integer(), nullable=False),
    sa.Column('indicator_number', sa.Integer(), nullable=False),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('steps', sa.JSON(), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=True),
    sa.Column('end_date', sa.Date(), nullable=True),
    sa.Column('division_ids', sa.JSON(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('indicator_number BETWEEN 1 AND 10', name=op.f('ck_measure_drafts_indicator_range')),
    sa.ForeignKeyConstraint(['assessment_id'], ['assessments.id'], name=op.f('fk_measure_drafts_assessment_id_assessments'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_measure_drafts_organization_id_organizations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_measure_drafts_updated_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_measure_drafts')),
    sa.UniqueConstraint('assessment_id', 'indicator_number', name=op.f('uq_measure_drafts_assessment_id_indicator_number'))
    )
    with op.batch_alter_table('measure_drafts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_measure_drafts_assessment_id'), ['assessment_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_measure_drafts_organization_id'), ['organization_id'], unique=False)

    op.create_table('document_texts',
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('rationale', sa.Text(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_document_texts_organization_id_organizations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('organization_id', name=op.f('pk_document_texts'))
    )


def downgrade():
    op.drop_table('document_texts')
    with op.batch_alter_table('measure_drafts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_measure_drafts_organization_id'))
        batch_op.drop_index(batch_op.f('ix_measure_drafts_assessment_id'))
    op.drop_table('measure_drafts')
