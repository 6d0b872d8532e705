"""Django's SQLite backend, reading how many parameters one statement may carry from the
connection instead of assuming 999.

Debian's SQLite allows 250,000 (3.32 and later allow 32,766 by default), but Django 5.2 splits
bulk writes as if only 999 were allowed: saving a section of 200 answers took seven statements
instead of two, so the number of queries grew with the number of questions. Django 6.0 reads
the limit itself (ticket #36143); remove this backend then.
"""

from __future__ import annotations

import sqlite3

from django.db.backends.sqlite3 import base, features
from django.utils.functional import cached_property


class DatabaseFeatures(features.DatabaseFeatures):
    @cached_property
    def max_query_params(self) -> int:  # type: ignore[override]
        self.connection.ensure_connection()
        return int(self.connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER))


class DatabaseWrapper(base.DatabaseWrapper):
    features_class = DatabaseFeatures
