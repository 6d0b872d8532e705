"""Question banks of any size, built in the database, for query-count tests and benchmarks.

`make_generated_bank(questions=N, sections=S)` publishes a profile (unless one exists) and a
maturity framework `gen` with S sections sharing N questions. Every fifth question applies
only when the one before it is answered "yes", so applicability is exercised at any size.
"""

from __future__ import annotations

import datetime as dt

from assessments.models import Framework, FrameworkVersion, Option, Question, Section, Source

GEN = "gen"
OPTIONS = [
    ("yes", "Yes", 2, "plain"),
    ("partly", "Partly", 1, "plain"),
    ("no", "No", 0, "plain"),
    ("dont-know", "Don't know", None, "dont_know"),
    ("na", "Not applicable", None, "na"),
]
PUBLISHED_ON = dt.date(2026, 1, 1)


def _source() -> Source:
    source, _ = Source.objects.get_or_create(
        key="gen-source",
        defaults={"title": "A generated essay", "authors": "A. Author", "first_page": "1"},
    )
    return source


def _profile(source: Source) -> None:
    if Framework.objects.filter(key="profile").exists():
        return
    framework = Framework.objects.create(key="profile", name="System profile", kind="profile")
    version = FrameworkVersion.objects.create(framework=framework, label="v1")
    section = Section.objects.create(version=version, key="system", title="The system", weight=0)
    question = Question.objects.create(
        version=version, section=section, key="role", position=0, text="Role?", weight=0
    )
    for order, key in enumerate(["rnd", "use"]):
        Option.objects.create(question=question, key=key, label=key.upper(), order=order)
    _publish(version)


def _publish(version: FrameworkVersion) -> None:
    FrameworkVersion.objects.filter(pk=version.pk).update(
        status=FrameworkVersion.Status.PUBLISHED, published_on=PUBLISHED_ON
    )


def make_generated_bank(*, questions: int, sections: int = 1) -> None:
    """Publish the profile and framework `gen` with this many questions."""
    source = _source()
    _profile(source)
    framework = Framework.objects.create(
        key=GEN, name="Generated framework", kind="maturity", order=9
    )
    version = FrameworkVersion.objects.create(framework=framework, label="v1")
    section_rows = Section.objects.bulk_create(
        Section(version=version, key=f"s{n}", title=f"Section {n}", order=n)
        for n in range(sections)
    )
    rows = []
    for n in range(questions):
        condition = {"question": f"q{n - 1}", "any_of": ["yes"]} if n % 5 == 4 else None
        rows.append(
            Question(
                version=version,
                section=section_rows[n * sections // questions],
                key=f"q{n}",
                position=n,
                text=f"Generated question {n}?",
                guidance="What good looks like.",
                weight=1 + n % 3,
                applies_when=condition,
                source=source,
                quote="a short quoted phrase",
                tags=["reference:negative-list"] if n == 0 else [],
            )
        )
    created = Question.objects.bulk_create(rows)
    Option.objects.bulk_create(
        Option(question=q, key=key, label=label, points=points, meaning=meaning, order=order)
        for q in created
        for order, (key, label, points, meaning) in enumerate(OPTIONS)
    )
    _publish(version)
