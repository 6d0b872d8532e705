"""How a citation is introduced, by where the practice it supports comes from (its basis).

Pure: plain strings in, a plain string out; no ORM, no settings. Given a question's basis, the
source it cites (kind, authors as printed in the report, title) and, for a practice from a full
policy, the essay that links to that policy, `lead_in` returns the words put before the
citation wherever one is shown:

- `stated`: "Moës et al. state", "Sellitto states";
- `practice`: "Practice in the area Sellitto names";
- `adapted`: "Adapted from ZHOU Hui's recommendation to governments" (or to whom it is made);
- `policy`: "From Anthropic's Responsible Scaling Policy, which Sellitto's essay links to".

Authors are shortened as printed: one author by surname ("Sellitto"), except that a name in
Chinese order keeps it whole ("ZHOU Hui", "Ji Weidong"); two authors both ("Si and Cao"); more
the first, "et al." ("Moës et al.").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Protocol

BASES = ("stated", "adapted", "practice", "policy")
# Surnames of more than one word, which the last word alone would cut short.
SURNAMES = {"Eugenio Vargas Garcia": "Vargas Garcia"}
_HAN = re.compile(r"[\u4e00-\u9fff]")
_PARENTHESES = re.compile(r"\s*\(([^)]*)\)")
_ACRONYM = re.compile(r"^[A-Z]{2,}$")
_SEPARATORS = re.compile(r",\s*(?:and\s+)?|\s+and\s+")
ORGANISATION_WORDS = 4  # a name this long is a body, not a person


class Citable(Protocol):
    """What a lead-in needs to know of a source, as `fixtures/sources.yaml` gives it."""

    @property
    def kind(self) -> str: ...
    @property
    def authors(self) -> str: ...
    @property
    def title(self) -> str: ...


@dataclass(frozen=True)
class CitedSource:
    kind: str
    authors: str
    title: str


def author_names(authors: str) -> list[str]:
    """The authors as printed, one name each: "A, B, and C" and "A and B" both split."""
    return [name.strip() for name in _SEPARATORS.split(authors) if name.strip()]


def short_name(name: str) -> str:
    """One author as a citation names them: the surname, or the whole name in Chinese order."""
    if name in SURNAMES:
        return SURNAMES[name]
    bare = _PARENTHESES.sub("", name).strip()
    words = bare.split()
    if len(words) >= ORGANISATION_WORDS:
        acronyms = [a for a in _PARENTHESES.findall(name) if _ACRONYM.match(a)]
        return acronyms[0] if acronyms else bare
    if len(words) < 2:
        return bare
    if _ACRONYM.match(words[-1]):  # "Jason SI": given name first, family name in capitals
        return words[-1]
    if _ACRONYM.match(words[0]) or _HAN.search(name):  # "ZHOU Hui", "Ji Weidong (季卫东)"
        return bare
    return words[-1]


def short_authors(authors: str) -> str:
    """ "Sellitto", "ZHOU Hui", "Si and Cao", "Moës et al."; empty when no author is printed."""
    names = [short_name(n) for n in author_names(authors)]
    if len(names) > 2:
        return f"{names[0]} et al."
    return " and ".join(names)


def _possessive(name: str) -> str:
    return f"{name}'" if name.endswith("s") and not name.endswith("et al.") else f"{name}'s"


def _named(source: Citable) -> tuple[str, bool]:
    """How the source is named in a sentence, and whether that name is one author."""
    names = author_names(source.authors)
    if not names:
        return f"the report's {source.title}", True
    return short_authors(source.authors), len(names) == 1


def lead_in(
    *,
    basis: str,
    source: Citable,
    linked_from: Citable | None = None,
    addressee: str = "governments",
) -> str:
    """The words that introduce a citation of `source` for a practice of this basis."""
    name, one = _named(source)
    if basis == "stated":
        return f"{name[:1].upper()}{name[1:]} {'states' if one else 'state'}"
    if basis == "practice":
        return f"Practice in the area {name} {'names' if one else 'name'}"
    if basis == "adapted":
        return f"Adapted from {_possessive(name)} recommendation to {addressee}"
    if basis == "policy":
        if linked_from is None:
            raise ValueError("a practice from a full policy needs the essay that links to it")
        essay, _one = _named(linked_from)
        return f"From {source.title}, which {_possessive(essay)} essay links to"
    raise ValueError(f"unknown basis {basis!r}: use one of {', '.join(BASES)}")


def cited_as(
    *, basis: str, source: Citable | None, quote: str = "", linked_from: Citable | None = None
) -> str:
    """The lead-in with the quoted phrase, as shown before a citation ("Sellitto states: “…”");
    "" when the basis is not known (results stored before bases existed) or the source is."""
    if not basis or source is None or (basis == "policy" and linked_from is None):
        return ""
    lead = lead_in(basis=basis, source=source, linked_from=linked_from)
    if not quote:
        return lead
    if basis == "practice":
        return f"{lead} (\u201c{quote}\u201d)"
    return f"{lead}: \u201c{quote}\u201d"
