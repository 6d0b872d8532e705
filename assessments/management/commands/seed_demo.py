import secrets
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from assessments.services.organisations import demo_seed


class Command(BaseCommand):
    help = "Create (or update) a demo organisation and its owner, and print the login."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--organisation", default="demo", help="Organisation slug.")
        parser.add_argument("--username", default="demo")
        parser.add_argument("--password", help="Default: a new random password.")

    def handle(self, *args: Any, **options: Any) -> None:
        password = options["password"] or secrets.token_urlsafe(12)
        organisation, user = demo_seed(
            slug=options["organisation"], username=options["username"], password=password
        )
        self.stdout.write(
            f"Organisation: {organisation.name} ({organisation.slug})\n"
            f"Username:     {user.get_username()}\n"
            f"Password:     {password}"
        )
