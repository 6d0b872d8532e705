"""Writers racing each other against real app servers: an autosave racing the submission never
changes the submitted assessment, and simultaneous "Start next round" requests start one round.

Runs gunicorn (threaded workers) on a database of its own, on SQLite or PostgreSQL as the suite
does (tests/servers.py), and sends the requests from threads, as browsers would.
"""

from __future__ import annotations

import json
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.servers import Installation, free_port, installation, sign_in

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

RACES = 3


def _answers_file(site: Installation, path: Path) -> tuple[Path, tuple[str, str, list[str]]]:
    """Every question of the shipped bank answered (the first plain option, or a sentence), and
    a single-choice question with two plain options to change while the submission runs."""
    bank = json.loads(site.manage("export_question_bank", "--format", "json"))
    published = [f for f in bank["frameworks"] if f["status"] == "published"]
    answers, target = [], None
    for framework in published:
        for section in framework["sections"]:
            for q in section["questions"]:
                plain = [o["key"] for o in q["options"] if o["meaning"] == "plain"]
                line: dict[str, Any] = {"framework": framework["key"], "question": q["key"]}
                line |= {"text": "Described in the system card."} if not plain else {}
                line |= {"options": plain[:1]} if plain else {}
                answers.append(line)
                if q["kind"] == "single" and len(plain) >= 2 and framework["key"] != "profile":
                    target = target or (framework["key"], q["key"], plain[:2])
    assert target is not None
    document = {
        "format": "govcheck.answers",
        "version": 1,
        "system": {"name": "Raced system"},
        "frameworks": {f["key"]: f["version"] for f in published},
        "answers": answers,
    }
    path.write_text(json.dumps(document), encoding="utf-8")
    return path, target


def _import(site: Installation, file: Path) -> int:
    printed = site.manage("import_answers", str(file), "--organisation", "faults")
    return int(printed.strip().splitlines()[-1])


def _late_writes(site: Installation, pk: int) -> tuple[object, ...]:
    """Answers and history rows of the assessment dated after its submission."""
    sql = """SELECT
        (SELECT COUNT(*) FROM assessments_answer WHERE assessment_id = {pk} AND updated_at > {at}),
        (SELECT COUNT(*) FROM assessments_historicalanswer
         WHERE assessment_id = {pk} AND history_date > {at})"""
    at = "(SELECT submitted_at FROM assessments_assessment WHERE id = {pk})"
    return site.query(sql.format(pk=int(pk), at=at.format(pk=int(pk))))[0]


def _next_rounds(site: Installation, pk: int) -> list[tuple[object, ...]]:
    return site.query(f"SELECT id FROM assessments_assessment WHERE previous_id = {int(pk)}")  # noqa: S608


def _race_autosaves_against_submit(
    session: requests.Session, base: str, pk: int, target: tuple[str, str, list[str]]
) -> tuple[Counter[int], int]:
    framework, key, options = target
    url = f"{base}/assessments/{pk}/answers/{framework}/{key}/"
    stop = threading.Event()
    codes: Counter[int] = Counter()
    lock = threading.Lock()

    def autosave(worker: int) -> None:
        n = 0
        while not stop.is_set():
            n += 1
            data = {
                f"{framework}.{key}-choices": options[n % 2],
                f"{framework}.{key}-note": f"Changed by writer {worker}, edit {n}.",
            }
            code = session.post(url, data, timeout=30).status_code
            with lock:
                codes[code] += 1

    with ThreadPoolExecutor(max_workers=6) as pool:
        for worker in range(6):
            pool.submit(autosave, worker)
        deadline = time.monotonic() + 60
        while codes[200] < 6 and time.monotonic() < deadline:  # every server process is warm
            time.sleep(0.05)
        submitted = session.post(
            f"{base}/assessments/{pk}/submit/",
            {"confirm": "yes"},
            headers={"HX-Request": ""},
            allow_redirects=False,
            timeout=60,
        ).status_code
        time.sleep(0.5)
        stop.set()
    return codes, submitted


def test_an_autosave_racing_the_submission_never_changes_a_submitted_assessment(
    tmp_path: Path,
) -> None:
    with installation(tmp_path) as site:
        file, target = _answers_file(site, tmp_path / "answers.json")
        port = free_port()
        site.gunicorn(port, workers=2)
        base = f"http://127.0.0.1:{port}"
        session = sign_in(base)
        for _ in range(RACES):
            pk = _import(site, file)
            codes, submitted = _race_autosaves_against_submit(session, base, pk, target)
            assert submitted == 302, "the submission failed"
            assert set(codes) <= {200, 403}, f"autosaves answered {dict(codes)}"
            assert codes[200], f"no autosave before the submission: {dict(codes)}"
            assert codes[403], f"no autosave after the submission: {dict(codes)}"
            assert _late_writes(site, pk) == (0, 0), "answers changed after submission"


def test_simultaneous_next_round_requests_start_one_round(tmp_path: Path) -> None:
    with installation(tmp_path) as site:
        file, _target = _answers_file(site, tmp_path / "answers.json")
        port = free_port()
        site.gunicorn(port, workers=3)
        base = f"http://127.0.0.1:{port}"
        sessions = [sign_in(base) for _ in range(10)]
        pk = _import(site, file)
        submitted = sessions[0].post(
            f"{base}/assessments/{pk}/submit/",
            {"confirm": "yes"},
            headers={"HX-Request": ""},
            allow_redirects=False,
        )
        assert submitted.status_code == 302
        ready = threading.Barrier(len(sessions))

        def start_round(session: requests.Session) -> requests.Response:
            ready.wait()
            return session.post(
                f"{base}/assessments/{pk}/next-round/",
                headers={"HX-Request": ""},
                allow_redirects=False,
                timeout=60,
            )

        with ThreadPoolExecutor(max_workers=len(sessions)) as pool:
            responses = list(pool.map(start_round, sessions))
        assert [r.status_code for r in responses] == [302] * len(sessions)
        rounds = _next_rounds(site, pk)
        assert len(rounds) == 1
        assert {r.headers["Location"] for r in responses} == {f"/assessments/{rounds[0][0]}/"}
