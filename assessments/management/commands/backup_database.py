import sqlite3
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection


class Command(BaseCommand):
    help = "Copy the SQLite database to FILE while the app keeps running (online backup)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        if connection.vendor != "sqlite":
            raise CommandError("This is for SQLite; back up PostgreSQL with pg_dump.")
        target: Path = options["file"]
        if target.exists():
            raise CommandError(f"{target} exists; choose a new file name.")
        connection.ensure_connection()
        source = connection.connection
        with sqlite3.connect(target) as destination:
            # One step under a read transaction: in WAL mode writers carry on meanwhile.
            source.backup(destination, pages=-1)
        with sqlite3.connect(target) as check:
            result = check.execute("PRAGMA integrity_check").fetchone()[0]
        if result != "ok":
            raise CommandError(f"The backup failed its integrity check: {result}")
        self.stdout.write(f"Backed up to {target}")
