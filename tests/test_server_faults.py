"""Killing an app server in the middle of a burst of autosaves loses no acknowledged answer."""

from __future__ import annotations

import json
import random
import sqlite3
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests

from tests.servers import Installation, free_port, installation, sign_in, start_assessment

pytestmark = pytest.mark.slow


def _questions(site: Installation) -> list[tuple[str, str, list[str]]]:
    """(framework, question, plain option keys) of every single-choice question."""
    bank = json.loads(site.manage("export_question_bank", "--format", "json"))
    found = []
    for framework in bank["frameworks"]:
        for section in framework["sections"]:
            for q in section["questions"]:
                plain = [o["key"] for o in q["options"] if o["meaning"] == "plain"]
                if q["kind"] == "single" and len(plain) >= 2:
                    found.append((framework["key"], q["key"], plain))
    return found


def _stored(site: Installation, assessment: int) -> dict[tuple[str, str], list[str]]:
    if site.database_url.startswith("sqlite"):
        path = site.database_url.removeprefix("sqlite:///")
        with sqlite3.connect(path) as db:
            rows = db.execute(
                "SELECT f.key, q.key, a.choices FROM assessments_answer a "
                "JOIN assessments_question q ON q.id = a.question_id "
                "JOIN assessments_frameworkversion v ON v.id = q.version_id "
                "JOIN assessments_framework f ON f.id = v.framework_id WHERE a.assessment_id = ?",
                (assessment,),
            ).fetchall()
        return {(f, q): json.loads(c) for f, q, c in rows}
    import psycopg

    with psycopg.connect(site.database_url) as db:
        rows = db.execute(
            "SELECT f.key, q.key, a.choices FROM assessments_answer a "
            "JOIN assessments_question q ON q.id = a.question_id "
            "JOIN assessments_frameworkversion v ON v.id = q.version_id "
            "JOIN assessments_framework f ON f.id = v.framework_id WHERE a.assessment_id = %s",
            (assessment,),
        ).fetchall()
    return {(f, q): list(c) for f, q, c in rows}


@pytest.mark.django_db(transaction=True)
def test_killing_the_app_server_loses_no_acknowledged_answer(tmp_path: Path) -> None:
    with installation(tmp_path) as site:
        port = free_port()
        server = site.gunicorn(port)
        base = f"http://127.0.0.1:{port}"
        session = sign_in(base)
        frameworks = ["tfs-principles", "model-law", "rsp-asl"]
        assessment = start_assessment(session, base, "Burst", frameworks)
        questions = _questions(site)
        random.Random(3).shuffle(questions)
        acknowledged: dict[tuple[str, str], list[str]] = {}
        lock = threading.Lock()
        kill_after = len(questions) // 3

        def save(item: tuple[str, str, list[str]]) -> None:
            framework, key, options = item
            choice = options[len(key) % len(options)]
            field = f"{framework}.{key}"
            try:
                response = session.post(
                    f"{base}/assessments/{assessment}/answers/{framework}/{key}/",
                    {f"{field}-choices": choice, f"{field}-version": "0"},
                    timeout=10,
                )
            except requests.RequestException:
                return  # not acknowledged: the browser would keep it and retry
            if response.status_code == 200 and "GovCheck-Answer-Version" in response.headers:
                with lock:
                    acknowledged[(framework, key)] = [choice]
                    if len(acknowledged) == kill_after:
                        Installation.kill(server)

        with ThreadPoolExecutor(max_workers=8) as pool:
            list(pool.map(save, questions))

        assert kill_after <= len(acknowledged) < len(questions), "the kill came mid-burst"
        time.sleep(0.5)
        stored = _stored(site, assessment)
        lost = {ref: value for ref, value in acknowledged.items() if stored.get(ref) != value}
        assert not lost, f"acknowledged but lost: {lost}"

        # A restarted server serves every acknowledged answer.
        port = free_port()
        site.gunicorn(port)
        page = sign_in(f"http://127.0.0.1:{port}").get(
            f"http://127.0.0.1:{port}/assessments/{assessment}/review/", timeout=10
        )
        assert page.status_code == 200
