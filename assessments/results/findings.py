"""Gaps as findings, grouped by framework and section and numbered within their group.

One grouping for every reader: the results page, the gaps CSV and the PDF all number a finding
the same way, "2.1" being the first finding of section 2 of its framework. Sections are
numbered as the section tables number them (the scored sections in order), and sections that
count for no score (such as a risk-safeguards section of weight 0) follow them. Within a
framework, sections holding a critical finding (gate-blocking or permit-related) come first;
within a section, critical findings come first, then by priority, then in the order asked.

Pure: it reads `Results` only, so a stored snapshot is grouped exactly like live results.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from assessments.scoring.results import (
    GATE_BLOCKING,
    PERMIT_RELATED,
    FrameworkResult,
    Gap,
    Results,
    SectionResult,
)
from assessments.scoring.verdicts import GateResult

CRITICAL_LABELS = {
    GATE_BLOCKING: "Critical: blocks a gate",
    PERMIT_RELATED: "Critical: permit-related",
}


@dataclass(frozen=True)
class Finding:
    """A gap as the reports show it: a numbered statement with why it matters and its source."""

    gap: Gap
    number: str  # "2.1": the section's number in its framework, then the place in the section
    framework_name: str
    section_title: str
    why: str  # why it matters, in a sentence
    cited_as: str  # the citation's lead-in and quote, worded by the practice's basis
    citation: str  # the full citation of the source ("" when the results do not know it)

    @property
    def statement(self) -> str:
        """The gap as a statement; the question itself in snapshots taken before findings."""
        return self.gap.finding or self.gap.text

    @property
    def answer_text(self) -> str:
        answer = self.gap.answer
        return "; ".join(answer.choices) or answer.text or "Not answered"

    @property
    def critical_label(self) -> str:
        return CRITICAL_LABELS.get(self.gap.why_critical, "Critical" if self.gap.critical else "")

    @property
    def anchor(self) -> str:
        return f"gap-{self.gap.framework}-{self.gap.question}"

    @property
    def key(self) -> str:
        """ "framework/question", as the action plan names the finding it acts on."""
        return f"{self.gap.framework}/{self.gap.question}"


@dataclass(frozen=True)
class FindingGroup:
    """The findings of one section of one framework."""

    framework: str
    section: str
    section_number: int
    section_title: str
    findings: tuple[Finding, ...]

    @property
    def critical(self) -> int:
        return sum(1 for f in self.findings if f.gap.critical)

    @property
    def anchor(self) -> str:
        return f"findings-{self.framework}-{self.section}"

    @property
    def heading(self) -> str:
        """ "2. Title"; a title that already starts with its number is kept as it is."""
        number = f"{self.section_number}."
        return (
            self.section_title
            if self.section_title.startswith(number)
            else f"{number} {self.section_title}"
        )


@dataclass(frozen=True)
class FrameworkFindings:
    """A framework's findings, section by section."""

    result: FrameworkResult
    groups: tuple[FindingGroup, ...]

    @property
    def findings(self) -> tuple[Finding, ...]:
        return tuple(f for g in self.groups for f in g.findings)

    @property
    def critical(self) -> int:
        return sum(g.critical for g in self.groups)


def section_numbers(framework: FrameworkResult) -> dict[str, int]:
    """Section key -> its number: the scored sections as the section tables number them, then
    the sections that count for no score."""
    scored = framework.scored_sections
    ordered = [*scored, *(s for s in framework.sections if s not in scored)]
    return {s.key: n for n, s in enumerate(ordered, start=1)}


def _blocked_gates(framework: FrameworkResult, question: str) -> list[GateResult]:
    gates = framework.gates.gates if framework.gates is not None else ()
    return [g for g in gates if question in g.blocking]


def _points(section: SectionResult | None, gap: Gap) -> float | None:
    """How many points the section score would gain if this question had full marks; None
    while the section shows no score."""
    if section is None or section.score is None:
        return None
    counted = sum(q.weight for q in section.questions if q.counts)
    if counted <= 0:
        return None
    return round(100 * gap.weight * gap.shortfall / counted, 1)


def why_it_matters(framework: FrameworkResult | None, gap: Gap) -> str:
    """Why a finding matters, in a sentence: the verdict it holds back, or the score it costs."""
    if framework is not None and gap.why_critical == GATE_BLOCKING:
        gates = _blocked_gates(framework, gap.question)
        if gates:
            named = " and ".join(f"\u201c{g.label}\u201d" for g in gates)
            stand = "stands" if len(gates) == 1 else "stand"
            return (
                f"A safeguard the required safety level needs: the gate{'s' * (len(gates) > 1)} "
                f"{named} {stand} at {gates[0].decision_label} while it is missing, as "
                "Anthropic's policy would require."
            )
        return "A safeguard the required safety level needs: while it is missing, a gate pauses."
    if gap.why_critical == PERMIT_RELATED:
        return (
            "It concerns the administrative permit or filing that the proposed Model Law would "
            "require for this activity."
        )
    section = None
    if framework is not None:
        section = next((s for s in framework.sections if s.key == gap.section), None)
    points = _points(section, gap)
    dont_know = " Answered \u201cDon\u2019t know\u201d: it scores nothing until it is known." * (
        gap.dont_know
    )
    if points:
        return f"Closing it would raise the section score by up to {points:g} points.{dont_know}"
    return f"It counts with weight {gap.weight} in its section.{dont_know}"


def _group_order(group: FindingGroup) -> tuple[bool, int]:
    return (group.critical == 0, group.section_number)


def findings_by_framework(results: Results) -> tuple[FrameworkFindings, ...]:
    """Every gap as a finding, grouped by framework (in the results' order) and section."""
    by_framework: dict[str, list[Gap]] = {}
    for gap in results.gaps:  # already critical first, then by priority, then asking order
        by_framework.setdefault(gap.framework, []).append(gap)
    shown = []
    for framework in results.frameworks:
        groups = _groups(results, framework, by_framework.get(framework.key, ()))
        shown.append(FrameworkFindings(framework, tuple(sorted(groups, key=_group_order))))
    return tuple(shown)


def _groups(
    results: Results, framework: FrameworkResult, gaps: Iterable[Gap]
) -> list[FindingGroup]:
    numbers = section_numbers(framework)
    titles = {s.key: s.title for s in framework.sections}
    by_section: dict[str, list[Gap]] = {}
    for gap in gaps:
        by_section.setdefault(gap.section, []).append(gap)
    unknown = len(numbers)
    groups = []
    for section, section_gaps in by_section.items():
        if section not in numbers:  # a section these results no longer list: number it last
            unknown += 1
            numbers[section] = unknown
        number = numbers[section]
        title = titles.get(section, section)
        findings = tuple(
            _finding(results, framework, gap, f"{number}.{place}", title)
            for place, gap in enumerate(section_gaps, start=1)
        )
        groups.append(FindingGroup(framework.key, section, number, title, findings))
    return groups


def _finding(
    results: Results, framework: FrameworkResult, gap: Gap, number: str, section_title: str
) -> Finding:
    source = results.source(gap.source)
    return Finding(
        gap=gap,
        number=number,
        framework_name=framework.name,
        section_title=section_title,
        why=why_it_matters(framework, gap),
        cited_as=results.cited_as(gap),
        citation=source.citation if source else gap.source,
    )


def all_findings(results: Results) -> list[Finding]:
    """Every finding, framework by framework and group by group, as the reports list them."""
    return [f for shown in findings_by_framework(results) for f in shown.findings]
