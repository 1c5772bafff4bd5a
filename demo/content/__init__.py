"""The demo's Vietnamese content, kept as JSON files beside this module, and the readers for it.

- ``regulations.json``: the regulations library (``issued_on`` as ``YYYY-MM-DD`` or null;
  ``replaced_by`` is the number of the regulation that superseded or amended it).
- ``curriculum.json``: the curriculum page (title, slug, intro, body as HTML).
- ``courses/<code>.json``: one course each, created in file-name order (a prerequisite comes first),
  with its modules and lessons. A lesson's ``body`` is a list of blocks, each one of
  ``{"heading": text}``, ``{"paragraph": html}``,
  ``{"cite": regulation number, "article", "quote", "note"}`` or
  ``{"callout": "note" | "tip" | "warning" | "example", "title", "text": html}``,
  ``{"image": {"kind": "flow" | "tree", "title", "alt", "caption", ...}}`` (a diagram drawn at load
  time by ``demo.content.media``), ``{"document": title}`` (the course's PDF handout, made at load
  time from the course file) or ``{"practice": {"practices": [slug], "documents": [title]}}``
  (links to the good-practice write-ups and model documents of ``practice.json``).
  ``competencies`` maps codes of the demo competency framework to the level the course builds
  (linked by the ``demo.steps.course_competencies`` step).
- ``practice.json``: the good-practice library page, its write-ups (``unit`` is a key of
  ``demo.steps.cms.PRACTICE_UNITS``, ``status`` ``published`` or ``submitted``, ``body`` in the
  lessons' block format), the model documents library page and its model documents (``header``,
  ``heading`` and ``lines`` of the Word file made at load time; ``**…**`` lines are bold).
- ``action_program.txt``: the source document, the province's action program implementing
  Conclusion 34-KL/TW (its quotes in the lessons are checked against it by the tests).
- ``question_banks.json``: the banks (key, name, description, keywords used to find a competency) and
  their questions: ``kind`` is ``mc``, ``mc_multi`` (``options`` and the 1-based ``right`` ones),
  ``tf`` (``correct``) or ``essay``.
- ``quizzes.json``: the quizzes (Quiz fields, plus ``blueprint`` as ``[bank, count]`` pairs, or
  ``bank`` with optional ``no_essays``) and the sample essay answers of the demo sittings.

The course texts come from the province's action program implementing Conclusion 34-KL/TW and the
regulations it names: quotes in citation blocks are word for word from that program; what the
regulations themselves say is summarised in the lessons' own words, not quoted.

JSON rather than YAML: the demo must not add a dependency, and the standard library reads JSON.
"""

import datetime as dt
import json
from pathlib import Path

CONTENT_DIR = Path(__file__).resolve().parent


def _read(name: str):
    return json.loads((CONTENT_DIR / name).read_text(encoding="utf-8"))


def regulations() -> tuple[dict, ...]:
    rows = _read("regulations.json")
    for row in rows:
        row["issued_on"] = dt.date.fromisoformat(row["issued_on"]) if row["issued_on"] else None
    return tuple(rows)


def curriculum() -> dict:
    return _read("curriculum.json")


def courses() -> tuple[dict, ...]:
    return tuple(_read(f"courses/{path.name}") for path in sorted((CONTENT_DIR / "courses").glob("*.json")))


def practice() -> dict:
    return _read("practice.json")


def question_banks() -> dict:
    return _read("question_banks.json")


def quizzes() -> dict:
    return _read("quizzes.json")
