"""Write the question bank out: YAML files in the fixture layout, or one JSON document."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

from django.db.models import QuerySet

from assessments.models import FrameworkVersion

from .documents import (
    JURISDICTIONS_FILE,
    SOURCES_FILE,
    jurisdiction_specs,
    source_specs,
    version_specs,
)
from .specs import jurisdiction_dict, source_dict, version_dict
from .yaml_io import dump_yaml


def export_files(versions: QuerySet[FrameworkVersion] | None = None) -> dict[str, str]:
    """Relative path -> YAML text, in the layout load_question_bank reads."""
    files = {SOURCES_FILE: dump_yaml({"sources": [source_dict(s) for s in source_specs()]})}
    jurisdictions = jurisdiction_specs()
    if jurisdictions:
        files[JURISDICTIONS_FILE] = dump_yaml(
            {"jurisdictions": [jurisdiction_dict(j) for j in jurisdictions]}
        )
    for version in version_specs(versions):
        files[version.file] = dump_yaml(version_dict(version))
    return files


def export_zip(versions: QuerySet[FrameworkVersion] | None = None) -> bytes:
    """The files of `export_files` as one zip, to unpack over fixtures/."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for relative, text in export_files(versions).items():
            archive.writestr(relative, text)
    return buffer.getvalue()


def export_to_directory(directory: Path) -> list[Path]:
    written = []
    for relative, text in export_files().items():
        path = directory / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


def export_json() -> dict[str, Any]:
    """The documented JSON shape: sources, then one entry per framework version."""
    return {
        "sources": [
            {
                "key": s.key,
                "kind": s.kind,
                "title": s.title,
                "authors": s.authors,
                "chapter": s.chapter,
                "first_page": s.first_page or None,
                "last_page": s.last_page or None,
                "linked_from": s.linked_from or None,
            }
            for s in source_specs()
        ],
        "frameworks": [
            {
                "key": v.framework.key,
                "name": v.framework.name,
                "kind": v.framework.kind,
                "standing": v.framework.standing or None,
                "standing_note": v.framework.standing_note,
                "version": v.label,
                "status": v.status,
                "published_on": v.published_on.isoformat() if v.published_on else None,
                "rules": v.rules,
                "sections": [
                    {
                        "key": s.key,
                        "title": s.title,
                        "weight": s.weight,
                        "questions": [
                            {
                                "key": q.key,
                                "text": q.text,
                                "kind": q.kind,
                                "weight": q.weight,
                                "required": q.required,
                                "applies_when": q.applies_when,
                                "source": q.source or None,
                                "quote": q.quote,
                                "supporting_sources": sorted(q.supporting_sources),
                                "basis": q.basis or None,
                                "finding": q.finding,
                                "tags": q.tags,
                                "required_level": q.required_level,
                                "options": [
                                    {
                                        "key": o.key,
                                        "label": o.label,
                                        "points": o.points,
                                        "meaning": o.meaning,
                                        "effects": o.effects,
                                    }
                                    for o in q.options
                                ],
                            }
                            for q in s.questions
                        ],
                    }
                    for s in v.sections
                ],
            }
            for v in version_specs()
        ],
    }
