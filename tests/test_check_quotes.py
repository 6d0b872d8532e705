"""check_quotes: every quoted phrase occurs in the report, inside the essay it is attributed to."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from assessments.bank.quotes import essay_lines, essay_spans, normalise, quoted_items
from assessments.bank.read import read_paths
from tests.conftest import FIXTURES, ROOT

# A copy of the report's text is not part of the repository. CI keeps one beside the clone;
# GOVCHECK_REPORT_TEXT names another. Without it, the record of checked quotes stands in for it,
# and the tests that read it are skipped, except in CI, where they fail.
SEED = ROOT.parent / "shared" / "seeds" / "001_a19a681f52f84746.txt"
REPORT = Path(os.environ.get("GOVCHECK_REPORT_TEXT") or SEED)

# A miniature report laid out like the real one: a table of contents whose lines end in page
# numbers, then each essay under its title heading.
MINI_REPORT = """Table of Contents

Key Policy Recommendations for Global AI Governance\t20
Singapore’s approach to governing Generative AI\t57

Key Policy Recommendations for Global AI Governance

ZHOU Hui (周辉)

The “Model Law” requires that humans can correct or stop
the operation of AI systems — at any time.

Singapore's approach to governing Generative AI

Denise Wong

GAI models can make mistakes, and its “hallucinations” can be deceptively convincing.

Acknowledgements

We thank the reviewers for checking every quote.
"""

BANK = """framework: {{key: quoted, name: Quoted, kind: maturity}}
version: {{label: v1, status: draft}}
sections:
  - key: only
    title: Only
    questions:
      - key: first
        text: Can a person stop the system?
        source: {source}
        quote: '{quote}'
        options:
          - {{key: "yes", label: "Yes", points: 1}}
          - {{key: "no", label: "No", points: 0}}
"""


def _bank(tmp_path: Path, *, source: str, quote: str) -> Path:
    path = tmp_path / "bank.yaml"
    path.write_text(BANK.format(source=source, quote=quote.replace("'", "''")), encoding="utf-8")
    return path


def _check(report: Path | None, *banks: Path, options: tuple[str, ...] = ()) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    args = ([str(report)] if report else []) + [f"--bank={b}" for b in banks] + list(options)
    try:
        call_command("check_quotes", *args, stdout=out, stderr=err)
    except CommandError as exc:
        return exc.returncode, err.getvalue() + str(exc)
    return 0, out.getvalue()


@pytest.fixture
def report() -> Path:
    """The report's text: skipped without a copy, but a failure in CI, which must have one."""
    if not REPORT.is_file():
        message = f"no copy of the report's text at {REPORT}: set GOVCHECK_REPORT_TEXT"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return REPORT


@pytest.fixture
def mini_report(tmp_path: Path) -> Path:
    path = tmp_path / "report.txt"
    path.write_text(MINI_REPORT, encoding="utf-8")
    return path


def test_quote_marks_dashes_and_line_breaks_do_not_matter(
    tmp_path: Path, mini_report: Path
) -> None:
    bank = _bank(
        tmp_path,
        source="zhou-hui",
        quote='The "Model Law" requires that humans can correct or stop the operation of AI '
        "systems - at any time.",
    )
    assert _check(mini_report, bank) == (
        0,
        "OK: 1 quoted phrase(s) found in the essays they cite.\n",
    )


def test_a_misquote_is_refused_and_named(tmp_path: Path, mini_report: Path) -> None:
    bank = _bank(tmp_path, source="zhou-hui", quote="humans can correct and stop the operation")
    code, output = _check(mini_report, bank)
    assert code == 1
    assert f"{bank}: quoted v1 question 'first'" in output
    assert '"humans can correct and stop the operation": does not occur in the report' in output


def test_a_phrase_from_another_essay_is_refused_and_names_where_it_is(
    tmp_path: Path, mini_report: Path
) -> None:
    bank = _bank(tmp_path, source="zhou-hui", quote="GAI models can make mistakes")
    code, output = _check(mini_report, bank)
    assert code == 1
    assert '"GAI models can make mistakes": occurs in the report but not in the essay of' in output
    assert "(it is in: wong)" in output


def test_back_matter_is_outside_every_essay(tmp_path: Path, mini_report: Path) -> None:
    bank = _bank(tmp_path, source="wong", quote="We thank the reviewers")
    code, output = _check(mini_report, bank)
    assert code == 1
    assert "not in the essay of 'wong'" in output


def test_a_quote_attached_to_an_external_source_is_refused(
    tmp_path: Path, mini_report: Path
) -> None:
    bank = _bank(tmp_path, source="anthropic-rsp", quote="GAI models can make mistakes")
    code, output = _check(mini_report, bank)
    assert code == 1
    assert "'anthropic-rsp' is an external source" in output


def test_an_unreadable_report_is_an_error(tmp_path: Path) -> None:
    code, output = _check(tmp_path / "missing.txt", _bank(tmp_path, source="wong", quote="x"))
    assert code == 2
    assert "cannot read the report" in output


def test_normalise_unifies_what_copying_changes() -> None:
    assert normalise("“a”  ‘b’ — c – d\n e … **f** \\$1 [g](#)") == "\"a\" 'b' - c - d e ... f $1 g"


# The record of checked quotes ------------------------------------------------------------------


def test_recorded_quotes_pass_without_the_report(tmp_path: Path, mini_report: Path) -> None:
    bank = _bank(tmp_path, source="wong", quote="GAI models can make mistakes")
    record = tmp_path / "record.txt"
    code, output = _check(mini_report, bank, options=("--record", f"--record-file={record}"))
    assert code == 0, output
    assert f"Recorded them in {record}." in output
    assert "wong" in record.read_text(encoding="utf-8")

    code, output = _check(None, bank, options=(f"--record-file={record}",))
    assert (code, output) == (
        0,
        f"OK: 1 quoted phrase(s), each checked against the report's text (recorded in {record}).\n",
    )


def test_a_quote_changed_since_it_was_recorded_is_refused_and_named(
    tmp_path: Path, mini_report: Path
) -> None:
    record = tmp_path / "record.txt"
    bank = _bank(tmp_path, source="wong", quote="GAI models can make mistakes")
    _check(mini_report, bank, options=("--record", f"--record-file={record}"))

    bank = _bank(tmp_path, source="wong", quote="GAI models never make mistakes")
    code, output = _check(None, bank, options=(f"--record-file={record}",))
    assert code == 1
    assert (
        f"{bank}: quoted v1 question 'first': \"GAI models never make mistakes\": not yet checked "
        "against the report's text" in output
    )
    # The same words attributed to another essay are another quote.
    bank = _bank(tmp_path, source="zhou-hui", quote="GAI models can make mistakes")
    assert _check(None, bank, options=(f"--record-file={record}",))[0] == 1


def test_a_failing_check_records_nothing(tmp_path: Path, mini_report: Path) -> None:
    record = tmp_path / "record.txt"
    record.write_text("kept\n", encoding="utf-8")
    bank = _bank(tmp_path, source="wong", quote="GAI models never make mistakes")
    code, _output = _check(mini_report, bank, options=("--record", f"--record-file={record}"))
    assert code == 1
    assert record.read_text(encoding="utf-8") == "kept\n"


def test_recording_needs_the_report_and_checking_needs_the_record(
    tmp_path: Path, mini_report: Path
) -> None:
    bank = _bank(tmp_path, source="wong", quote="GAI models can make mistakes")
    code, output = _check(None, bank, options=("--record",))
    assert code == 1
    assert "--record needs a copy of the report" in output
    code, output = _check(mini_report, bank, options=("--record",))
    assert code == 1
    assert "--record with --bank needs its own --record-file" in output
    code, output = _check(None, bank, options=(f"--record-file={tmp_path / 'none.txt'}",))
    assert code == 2
    assert "cannot read the record of checked quotes" in output


def test_every_quote_of_the_shipped_bank_was_checked_against_the_report() -> None:
    code, output = _check(None)
    assert code == 0, output
    assert "OK: " in output


# Against the real report --------------------------------------------------------------------


def test_every_quote_of_the_shipped_bank_is_in_the_essay_it_cites(report: Path) -> None:
    code, output = _check(report)
    assert code == 0, output
    assert output.startswith("OK: ")


def test_every_essay_of_the_report_is_located(report: Path) -> None:
    sources = [s for _file, s in read_paths([FIXTURES / "sources.yaml"]).sources]
    spans = essay_spans(report.read_text(encoding="utf-8"), sources)
    assert set(spans) == {s.key for s in sources if s.kind != "external"}
    # The essay missing from the table of contents is found by its heading all the same.
    assert "generative AI technology" in spans["sun-nanxiang"]


def test_a_planted_misquote_in_the_shipped_bank_is_named(tmp_path: Path, report: Path) -> None:
    original = (FIXTURES / "frameworks" / "model-law" / "v2.yaml").read_text(encoding="utf-8")
    planted = tmp_path / "model-law.yaml"
    planted.write_text(
        original.replace(
            "quote: ensure the ability of humans to correct or stop the operation of AI systems",
            "quote: ensure the ability of humans to correct and stop the operation of AI systems",
            1,
        ),
        encoding="utf-8",
    )
    code, output = _check(report, planted)
    assert code == 1
    assert "model-law v2 section 'supervision'" in output
    assert '"ensure the ability of humans to correct and stop the operation' in output


def test_the_paragraph_printed_inside_ji_weidong_belongs_to_seger(
    tmp_path: Path, report: Path
) -> None:
    phrase = "explores two forms of AI democratization"
    code, output = _check(report, _bank(tmp_path, source="ji-weidong", quote=phrase))
    assert code == 1
    assert "(it is in: seger)" in output
    assert _check(report, _bank(tmp_path, source="seger", quote=phrase))[0] == 0


# Where each essay is printed -----------------------------------------------------------------


def test_a_title_line_without_its_authors_is_not_the_essay(tmp_path: Path) -> None:
    # The Introduction names an essay's title in its own text; the essay is where its authors
    # follow the title.
    text = MINI_REPORT.replace(
        "Key Policy Recommendations for Global AI Governance\n\nZHOU Hui",
        "Introduction\n\nKey Policy Recommendations for Global AI Governance\n\n"
        "The recommendations are summarised here.\n\n"
        "Key Policy Recommendations for Global AI Governance\n\nZHOU Hui",
    )
    path = tmp_path / "report.txt"
    path.write_text(text, encoding="utf-8")
    bank = _bank(tmp_path, source="zhou-hui", quote="The recommendations are summarised here.")
    code, output = _check(path, bank)
    assert code == 1
    assert "occurs in the report but not in the essay of 'zhou-hui'" in output


def test_a_chapter_heading_ends_the_essay_before_it(tmp_path: Path) -> None:
    text = MINI_REPORT.replace(
        "Singapore's approach",
        "Chapter 4: AI Governance from an Engineering Perspective\n\nSingapore's approach",
    )
    path = tmp_path / "report.txt"
    path.write_text(text, encoding="utf-8")
    bank = _bank(tmp_path, source="zhou-hui", quote="AI Governance from an Engineering Perspective")
    assert "not in the essay of 'zhou-hui'" in _check(path, bank)[1]


def test_a_standing_quote_is_checked_in_the_framework_essay(
    tmp_path: Path, mini_report: Path
) -> None:
    bank = _bank(tmp_path, source="wong", quote="GAI models can make mistakes")
    text = bank.read_text(encoding="utf-8").replace(
        "kind: maturity}",
        "kind: maturity, source: zhou-hui, standing: proposal, standing_note: A proposal.,"
        " standing_quote: GAI models can make mistakes}",
    )
    bank.write_text(text, encoding="utf-8")
    code, output = _check(mini_report, bank)
    assert code == 1
    assert f"{bank}: quoted v1 framework 'quoted' standing" in output
    assert "not in the essay of 'zhou-hui' (it is in: wong)" in output


# Every essay where an independent reading of the report puts it: the title heading to the
# last line of the authors' biographies (line numbers of the report's text, from 1).
PRINTED_AT = {
    "gong-ke-preface": (90, 116),
    "introduction": (118, 189),
    "ji-weidong": (193, 221),
    "duan-weiwen": (223, 241),
    "wang-xiaohong": (243, 263),
    "neuwirth": (265, 279),
    "sun-nanxiang": (281, 293),
    "cass-beggs": (295, 311),
    "moes-lannquist-iliadis-mialhe": (315, 343),
    "zhou-hui": (345, 373),
    "trager-heider": (375, 397),
    "gutierrez": (399, 417),
    "codata": (419, 439),
    "zhang-peng": (441, 453),
    "vargas-garcia": (457, 488),
    "lu-chuanying": (490, 510),
    "png": (512, 526),
    "siegmann-privitera": (528, 554),
    "liao-lu": (556, 572),
    "chua": (574, 603),
    "sharadin": (607, 621),
    "ma-gao-fan": (623, 649),
    "wang-na": (651, 728),
    "wong": (730, 755),
    "seger": (757, 789),
    "karlan-allen": (791, 813),
    "liu": (815, 835),
    "sellitto": (839, 863),
    "si-cao": (865, 879),
    "wei-tao": (881, 891),
    "zou-wang": (893, 911),
}


def test_every_essay_is_located_by_its_title_and_authors(report: Path) -> None:
    sources = [s for _file, s in read_paths([FIXTURES / "sources.yaml"]).sources]
    assert essay_lines(report.read_text(encoding="utf-8"), sources) == PRINTED_AT


def test_every_stated_practice_and_every_standing_is_quoted_from_its_own_essay(
    report: Path,
) -> None:
    files = read_paths([FIXTURES])
    sources = [s for _file, s in files.sources]
    spans = essay_spans(report.read_text(encoding="utf-8"), sources)
    current = [v for v in files.versions if v.status != "retired" and v.framework.kind != "profile"]
    stated = [(q.source, q.quote) for v in current for q in v.questions if q.basis == "stated"]
    standing = [(v.framework.source, v.framework.standing_quote) for v in current]
    assert len(stated) > 30
    assert len(standing) == 4
    for source, quote in stated + standing:
        assert quote, source
        assert normalise(quote) in spans[source], (source, quote)
    # and the checker itself checks the standing quotes
    assert sum(" standing" in item.item for item in quoted_items(files)) >= 4
