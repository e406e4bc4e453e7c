"""Alembic environment of the store's migration tree."""

from alembic import context
import sqlalchemy as sa

from heat_store.db import models

config = context.config
VERSION_TABLE = config.get_main_option('version_table')


def run_migrations_offline():
    context.configure(url=config.get_main_option('sqlalchemy.url'),
                      target_metadata=models.BASE.metadata,
                      version_table=VERSION_TABLE,
                      literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online():
    connection = config.attributes.get('connection')
    if connection is None:
        engine = sa.create_engine(config.get_main_option('sqlalchemy.url'),
                                  poolclass=sa.pool.NullPool)
        with engine.connect() as connection:
            _run(connection)
    else:
        _run(connection)


def _run(connection):
    context.configure(connection=connection,
                      target_metadata=models.BASE.metadata,
                      version_table=VERSION_TABLE,
                      render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
