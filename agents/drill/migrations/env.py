"""Alembic environment: migrations run on the connection `session_db.upgrade` hands over.

There is no alembic.ini: `barraiser db upgrade` and the app's start-up both call
`agents.drill.session_db.upgrade`, which configures Alembic in code, so the migrations ship
inside the package.
"""

from alembic import context

connection = context.config.attributes["connection"]
# The caller already holds a transaction (and, on PostgreSQL, the migration lock): Alembic runs
# inside it, so the schema change and the version stamp commit together.
context.configure(connection=connection, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
