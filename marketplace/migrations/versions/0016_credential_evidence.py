"""credential evidence: issuer, area and markets on both kinds of credential, and a private scan (issue #16)

Revision ID: 0016
Revises: 0014
"""

import sqlalchemy as sa
from alembic import op

revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('credential_scans',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('media', sa.String(length=8), nullable=False),
    sa.Column('filename', sa.String(length=120), nullable=False),
    sa.Column('size_bytes', sa.Integer(), nullable=False),
    sa.Column('pages', sa.Integer(), nullable=True),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'],
                            name=op.f('fk_credential_scans_organization_id_organizations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'],
                            name=op.f('fk_credential_scans_uploaded_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_credential_scans')),
    sa.UniqueConstraint('key', name=op.f('uq_credential_scans_key'))
    )
    with op.batch_alter_table('credential_scans', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_credential_scans_organization_id'), ['organization_id'], unique=False)
    with op.batch_alter_table('certificates', schema=None) as batch_op:
        batch_op.add_column(sa.Column('area_ha', sa.Numeric(precision=10, scale=2, asdecimal=False), nullable=True))
        batch_op.add_column(sa.Column('markets', sa.String(length=200), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('scan_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_certificates_scan_id_credential_scans'), 'credential_scans',
                                    ['scan_id'], ['id'], ondelete='SET NULL')
    with op.batch_alter_table('planting_codes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('issuer', sa.String(length=200), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('scan_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_planting_codes_scan_id_credential_scans'), 'credential_scans',
                                    ['scan_id'], ['id'], ondelete='SET NULL')


def downgrade() -> None:
    with op.batch_alter_table('planting_codes', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_planting_codes_scan_id_credential_scans'), type_='foreignkey')
        batch_op.drop_column('scan_id')
        batch_op.drop_column('issuer')
    with op.batch_alter_table('certificates', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_certificates_scan_id_credential_scans'), type_='foreignkey')
        batch_op.drop_column('scan_id')
        batch_op.drop_column('markets')
        batch_op.drop_column('area_ha')
    with op.batch_alter_table('credential_scans', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_credential_scans_organization_id'))
    op.drop_table('credential_scans')
