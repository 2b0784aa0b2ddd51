"""Schema migrations (Alembic) of the tables SPLP owns: `splp db upgrade` and the services' start.

Each component (components.py) has its migrations in its own package's `migrations/versions/`
and its revision in its own version table. Revision 0001 of each is the schema `create_all`
made in release cf5ca0c and creates only the tables that are missing, so a database of that
release is adopted with its rows. A table change is a new revision file beside it.
"""

from federation.migrations.components import COMPONENTS, Component, component
from federation.migrations.run import (
    current,
    current_sync,
    head,
    upgrade,
    upgrade_connection,
    upgrade_sync,
)

__all__ = [
    "COMPONENTS",
    "Component",
    "component",
    "current",
    "current_sync",
    "head",
    "upgrade",
    "upgrade_connection",
    "upgrade_sync",
]
