import secrets
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from assessments.services.question_bank import EDITORS_GROUP, question_bank_editor_seed


class Command(BaseCommand):
    help = (
        f"Create (or update) a staff login in the group '{EDITORS_GROUP}', which may edit, "
        "check, publish and download the question bank in /admin/, and print the login."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--username", default="admin")
        parser.add_argument("--password", help="Default: a new random password.")

    def handle(self, *args: Any, **options: Any) -> None:
        password = options["password"] or secrets.token_urlsafe(12)
        user = question_bank_editor_seed(username=options["username"], password=password)
        self.stdout.write(
            f"Admin (question bank): /admin/\n"
            f"Username:     {user.get_username()}\n"
            f"Password:     {password}"
        )
