"""How many prepared statements a PostgreSQL connection of the application keeps.

The settings (protection/settings/base.py, postgres_options) have psycopg prepare on the server
every statement a connection runs DATABASE_PREPARE_THRESHOLD times. psycopg keeps the most
recently used ones prepared, 100 by default, and deallocates the rest. One worker serves every
page, and the busiest pages alone run some 150 different statements (the case page 36, the
homes 32 and 16, the lists, the dossier, the indicators), so with 100 a morning's mix of pages
would keep pushing out what the next request needs. DATABASE_PREPARED_MAX (300) holds them all;
each costs the server a cached plan, a few kilobytes, per connection.
"""

from django.conf import settings


def configure(sender, connection, **kwargs):
    """connection_created receiver: the prepared statements a PostgreSQL connection keeps."""
    if connection.vendor != "postgresql":
        return
    connection.connection.prepared_max = settings.DATABASE_PREPARED_MAX
