"""export markets as codes: a request's market read into its ISO code, the text kept where it names none (issue #16)

Until now the demand form took the market as free text, stored upper-cased ("TRUNG QUOC"), which
no planting area code's markets ("CN") could ever meet. Each stored text is read the way the form
now reads it (markets.read_markets, through demand.rules.read_export_market); one that names no
market, or several, is kept in export_market_as_written for staff.

Revision ID: 0019
Revises: 0018
"""

import sqlalchemy as sa
from alembic import op

from marketplace.demand.rules import read_export_market

revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None

_posts = sa.table('demand_posts', sa.column('id', sa.Integer), sa.column('export_market', sa.String),
                  sa.column('export_market_as_written', sa.String))


def upgrade() -> None:
    with op.batch_alter_table('demand_posts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('export_market_as_written', sa.String(length=40), server_default='',
                                      nullable=False))
    connection = op.get_bind()
    rows = connection.execute(sa.select(_posts.c.id, _posts.c.export_market).where(_posts.c.export_market != ''))
    for post_id, written in rows.all():
        code, as_written = read_export_market(written)
        connection.execute(_posts.update().where(_posts.c.id == post_id)
                           .values(export_market=code, export_market_as_written=as_written))


def downgrade() -> None:
    connection = op.get_bind()
    connection.execute(_posts.update().where(_posts.c.export_market_as_written != '')
                       .values(export_market=_posts.c.export_market_as_written))
    with op.batch_alter_table('demand_posts', schema=None) as batch_op:
        batch_op.drop_column('export_market_as_written')
