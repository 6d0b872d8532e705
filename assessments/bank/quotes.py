"""Check every quoted phrase of the question bank against a copy of the report, essay by essay.

Pure: it takes the report's text, the bank files as read and the sources, and returns problems.
A phrase must occur, after normalisation, inside the span of the essay it is attributed to. An
essay's span runs from its title heading to the next heading of any source, of a chapter or of
the back matter. A title heading is a line that is exactly the title (the table of contents
prints page numbers after each title, so it never matches) followed by the line naming the
essay's authors. Quotes attached to an external source are refused: only the report's own text
can be checked here. Every quote of the bank is checked: of a framework's standing, of a
section, of a question, and of a tier, overlay, risk, area, gate or level in `rules`.

A copy of the report's text is not always at hand (CI has none), so each check that passes can be
recorded: one line per quote, a digest of its source and normalised phrase. Checking against the
record then confirms that every quote of the bank, as it stands, was checked against the text;
a quote added or changed since is refused until someone with the text checks it again.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from .specs import BankFiles, SourceSpec, VersionSpec

EXTERNAL = "external"
BACK_MATTER = ("Acknowledgements", "Disclaimer", "Contact", "Contributions")
_CHAPTER = re.compile(r"^Chapter \w+: ")  # "Chapter 2: Global Governance Approaches ..."
_HAN = re.compile(r"[\u4e00-\u9fff]+")
RULE_LISTS = ("tiers", "overlays", "risks", "areas", "gates", "levels")

_SINGLE_QUOTES = dict.fromkeys(map(ord, "‘’‚‛′`"), "'")
_DOUBLE_QUOTES = dict.fromkeys(map(ord, "“”„‟″"), '"')
_DASHES = dict.fromkeys(map(ord, "‐‑‒–—―−"), "-")
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")  # [text](url) -> text
_ESCAPE = re.compile(r"\\([^\w\s])")  # \$ -> $
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Misplaced:
    """A paragraph printed inside one essay that belongs to another."""

    opening: str
    printed_in: str
    belongs_to: str


# The opening paragraph of Seger's essay is printed inside Ji Weidong's essay; it is Seger's.
MISPLACED = (
    Misplaced(
        opening="The challenge of AI value alignment is to build AI systems",
        printed_in="ji-weidong",
        belongs_to="seger",
    ),
)


@dataclass(frozen=True)
class Quoted:
    file: str
    item: str
    source: str
    quote: str


@dataclass(frozen=True)
class QuoteProblem:
    file: str
    item: str
    phrase: str
    message: str

    def __str__(self) -> str:
        return f'{self.file}: {self.item}: "{self.phrase}": {self.message}'


def normalise(text: str) -> str:
    """One form for comparing: markdown artefacts gone; quote marks, dashes, spaces unified."""
    text = _LINK.sub(r"\1", text).replace("*", "")
    text = _ESCAPE.sub(r"\1", text)
    text = text.translate(_SINGLE_QUOTES).translate(_DOUBLE_QUOTES).translate(_DASHES)
    text = text.replace("…", "...")
    return _SPACE.sub(" ", text).strip()


def quoted_items(files: BankFiles) -> list[Quoted]:
    """Every (source, quote) pair in the bank: sections, questions and rule entries."""
    items: list[Quoted] = []
    for version in files.versions:
        items.extend(_version_quotes(version))
    return items


def _version_quotes(version: VersionSpec) -> Iterable[Quoted]:
    name = version.name
    framework = version.framework
    if framework.standing_quote:
        yield Quoted(
            version.file,
            f"{name} framework '{framework.key}' standing",
            framework.source,
            framework.standing_quote,
        )
    for list_name in RULE_LISTS:
        entries = version.rules.get(list_name)
        for entry in entries if isinstance(entries, list) else []:
            if isinstance(entry, dict) and entry.get("quote"):
                label = entry.get("key", entry.get("level"))
                yield Quoted(
                    version.file,
                    f"{name} rules {list_name} '{label}'",
                    str(entry.get("source") or ""),
                    str(entry["quote"]),
                )
    for section in version.sections:
        if section.quote:
            yield Quoted(
                version.file, f"{name} section '{section.key}'", section.source, section.quote
            )
        for q in section.questions:
            if q.quote:
                yield Quoted(version.file, f"{name} question '{q.key}'", q.source, q.quote)


def names_authors(line: str, authors: str) -> bool:
    """Whether a heading's author line names the first of these authors, as printed or nearly.

    The report's headings and table of contents spell some names differently ("Jl Weidong" for
    "Ji Weidong"), so the line must carry the first author's Chinese characters where given,
    else the last word of the first author's name.
    """
    if not authors:
        return True
    first = re.split(r",| and ", authors)[0]
    han = _HAN.findall(first)
    if han:
        return all(chars in line for chars in han)
    words = re.sub(r"\([^)]*\)", "", first).split()
    return bool(words) and words[-1].casefold() in line.casefold()


def essay_lines(report: str, sources: Iterable[SourceSpec]) -> dict[str, tuple[int, int]]:
    """Where each source of the report is printed: (first, last) line, counted from 1.

    A source runs from its title heading (the title line, then its authors on the next line
    with text) up to the line before the next heading of a source, a chapter or the back matter.
    """
    lines = [normalise(line) for line in report.splitlines()]
    starts = {
        s.key: start
        for s in sources
        if s.kind != EXTERNAL and (start := _heading(lines, s)) is not None
    }
    headings = set(starts.values())
    back = [
        i
        for i, line in enumerate(lines)
        if line in BACK_MATTER or (_CHAPTER.match(line) and _next_text(lines, i) in headings)
    ]
    ends = sorted({*headings, *back})
    spans = {}
    for key, start in starts.items():
        end = next((e for e in ends if e > start), len(lines))
        while end > start + 1 and not lines[end - 1]:
            end -= 1
        spans[key] = (start + 1, end)
    return spans


def _next_text(lines: list[str], index: int) -> int | None:
    """The index of the first line with text after the given one."""
    return next((i for i in range(index + 1, len(lines)) if lines[i]), None)


def _heading(lines: list[str], source: SourceSpec) -> int | None:
    """The title heading of a source: its title line, then a line naming its authors.

    (A chapter heading counts as the end of the essay before it only when an essay's title
    heading follows it: the Introduction names every chapter in its own text.)
    """
    title = normalise(source.title)
    for index, line in enumerate(lines):
        following = _next_text(lines, index)
        if (
            line == title
            and following is not None
            and names_authors(lines[following], source.authors)
        ):
            return index
    return None


def essay_spans(report: str, sources: Iterable[SourceSpec]) -> dict[str, str]:
    """Normalised text of each source found in the report, keyed by source key."""
    lines = [normalise(line) for line in report.splitlines()]
    spans = {
        key: lines[first - 1 : last] for key, (first, last) in essay_lines(report, sources).items()
    }
    for m in MISPLACED:
        opening = normalise(m.opening)
        moved = [line for line in spans.get(m.printed_in, []) if line.startswith(opening)]
        if moved and m.belongs_to in spans:
            spans[m.printed_in] = [x for x in spans[m.printed_in] if x not in moved]
            spans[m.belongs_to] = spans[m.belongs_to] + moved
    return {key: normalise(" ".join(span)) for key, span in spans.items()}


def check_quotes(
    *, report: str, files: BankFiles, sources: Mapping[str, SourceSpec]
) -> tuple[int, list[QuoteProblem]]:
    """(number of quotes checked, problems); each problem names the file, item and phrase."""
    spans = essay_spans(report, sources.values())
    whole = normalise(report)
    items = quoted_items(files)
    problems = [p for item in items if (p := _check(item, sources, spans, whole)) is not None]
    return len(items), problems


def _problem(item: Quoted, message: str) -> QuoteProblem:
    return QuoteProblem(item.file, item.item, item.quote, message)


def _source_problem(item: Quoted, sources: Mapping[str, SourceSpec]) -> QuoteProblem | None:
    source = sources.get(item.source)
    if source is None:
        return _problem(item, f"quoted without a known source ('{item.source}')")
    if source.kind == EXTERNAL:
        return _problem(
            item, f"'{item.source}' is an external source; quotes must come from the report itself"
        )
    return None


def _check(
    item: Quoted, sources: Mapping[str, SourceSpec], spans: Mapping[str, str], whole: str
) -> QuoteProblem | None:
    if (wrong_source := _source_problem(item, sources)) is not None:
        return wrong_source
    source = sources[item.source]
    if item.source not in spans:
        return _problem(item, f"the heading of '{source.title}' was not found in the report")
    phrase = normalise(item.quote)
    if phrase in spans[item.source]:
        return None
    if phrase not in whole:
        return _problem(item, "does not occur in the report")
    elsewhere = sorted(key for key, text in spans.items() if phrase in text)
    where = f" (it is in: {', '.join(elsewhere)})" if elsewhere else ""
    return _problem(item, f"occurs in the report but not in the essay of '{item.source}'{where}")


def quote_digest(item: Quoted) -> str:
    """Identifies a quote by its source and its normalised phrase, not by where it is used."""
    return hashlib.sha256(f"{item.source}\n{normalise(item.quote)}".encode()).hexdigest()[:16]


RECORD_HEADER = (
    "# Quotes of the question bank found in the essays they cite, by manage.py check_quotes\n"
    "# REPORT --record. A digest of the source and the normalised phrase, then where it is.\n"
)


def record_text(items: Iterable[Quoted], *, display: Callable[[str], str] = str) -> str:
    """The record of checked quotes: a sorted line per quote, so changes read well in a diff."""
    lines = sorted({f"{quote_digest(i)} {i.source} {display(i.file)}: {i.item}" for i in items})
    return RECORD_HEADER + "".join(f"{line}\n" for line in lines)


def recorded_digests(record: str) -> set[str]:
    return {
        line.split(" ", 1)[0] for line in record.splitlines() if line and not line.startswith("#")
    }


def check_recorded(
    *, record: str, files: BankFiles, sources: Mapping[str, SourceSpec]
) -> tuple[int, list[QuoteProblem]]:
    """(number of quotes checked, problems): every quote must be in the record of checked ones."""
    digests = recorded_digests(record)
    items = quoted_items(files)
    problems = []
    for item in items:
        if (wrong_source := _source_problem(item, sources)) is not None:
            problems.append(wrong_source)
        elif quote_digest(item) not in digests:
            problems.append(
                _problem(
                    item,
                    "not yet checked against the report's text: run "
                    "manage.py check_quotes REPORT --record with a copy of it",
                )
            )
    return len(items), problems


def sources_by_key(*groups: Iterable[tuple[str, SourceSpec]]) -> dict[str, SourceSpec]:
    """Later groups override earlier ones, so a bank's own sources win over the defaults."""
    merged: dict[str, SourceSpec] = {}
    for group in groups:
        merged.update({spec.key: spec for _file, spec in group})
    return merged
