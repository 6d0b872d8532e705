"""check_quotes: every quoted phrase occurs in the report, inside the essay it is attributed to."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from assessments.bank.quotes import essay_spans, normalise
from assessments.bank.read import read_paths
from tests.conftest import FIXTURES, ROOT

# A copy of the report's text is not part of the repository: name one to run the tests below
# that read it. Without it, the record of checked quotes stands in for it.
REPORT = Path(os.environ.get("GOVCHECK_REPORT_TEXT", ROOT / "var" / "no-report-text-given"))
needs_report = pytest.mark.skipif(
    not REPORT.is_file(), reason="no copy of the report's text: set GOVCHECK_REPORT_TEXT"
)

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


@needs_report
def test_every_quote_of_the_shipped_bank_is_in_the_essay_it_cites() -> None:
    code, output = _check(REPORT)
    assert code == 0, output
    assert output.startswith("OK: ")


@needs_report
def test_every_essay_of_the_report_is_located() -> None:
    sources = [s for _file, s in read_paths([FIXTURES / "sources.yaml"]).sources]
    spans = essay_spans(REPORT.read_text(encoding="utf-8"), sources)
    assert set(spans) == {s.key for s in sources if s.kind != "external"}
    # The essay missing from the table of contents is found by its heading all the same.
    assert "generative AI technology" in spans["sun-nanxiang"]


@needs_report
def test_a_planted_misquote_in_the_shipped_bank_is_named(tmp_path: Path) -> None:
    original = (FIXTURES / "frameworks" / "model-law" / "v1.yaml").read_text(encoding="utf-8")
    planted = tmp_path / "model-law.yaml"
    planted.write_text(
        original.replace(
            "quote: ensure the ability of humans to correct or stop the operation of AI systems",
            "quote: ensure the ability of humans to correct and stop the operation of AI systems",
            1,
        ),
        encoding="utf-8",
    )
    code, output = _check(REPORT, planted)
    assert code == 1
    assert "model-law v1 section 'supervision'" in output
    assert '"ensure the ability of humans to correct and stop the operation' in output


@needs_report
def test_the_paragraph_printed_inside_ji_weidong_belongs_to_seger(tmp_path: Path) -> None:
    phrase = "explores two forms of AI democratization"
    code, output = _check(REPORT, _bank(tmp_path, source="ji-weidong", quote=phrase))
    assert code == 1
    assert "(it is in: seger)" in output
    assert _check(REPORT, _bank(tmp_path, source="seger", quote=phrase))[0] == 0
