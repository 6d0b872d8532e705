"""Drafts pinned to the profile's retired roles question move to its activities (see
assessments/profile_roles.py and docs/scoring.md, "Assessments under way")."""

from typing import Any

from django.db import migrations

from assessments.profile_roles import map_role_answers


def forwards(apps: Any, schema_editor: Any) -> None:
    map_role_answers(apps)


class Migration(migrations.Migration):
    dependencies = [("assessments", "0004_hardening_limits")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
