"""Sandboxed batch grading: the solved source scores full marks, the student copy zero, and the
classic tampering (spoofed output, edited or deleted check cells, patched checks, shortcuts, endless
loops, exits, dead kernels, broken JSON) scores as it should, each with a clear note; one shared
batch (hw4_nn). The hostile attacks are in test_homework_tampering.py."""

import csv
import html
import re
import time

import nbformat
import pytest

from course.homework.grade import grade
from course.homework.release import SOURCE_DIR
from tests.helpers.homework import ASSIGNMENT, edit_cell, solved, student


def _submissions():
    spoof = edit_cell(student(), "nn-he_std", 'print("nn.he_std: visible tests pass")')
    edited = edit_cell(solved(), "nn-sigmoid-answer", "def sigmoid(x):\n    return 0.5 + 0 * x")
    edit_cell(edited, "nn-sigmoid", "pass  # check removed")
    deleted = student()
    deleted.cells = [
        c for c in deleted.cells if c.metadata.get("nbgrader", {}).get("grade_id") != "nn-he_std"
    ]
    patched = edit_cell(
        student(),
        "nn-he_std-answer",
        "import course.homework, course.homework.engine\n"
        "course.homework.engine.hidden = course.homework.check = check = lambda *a: print('OK')\n"
        "def he_std(fan_in):\n    return 1.0",
    )
    # SciPy rather than Keras keeps this kernel quick; test_homework_mutants refuses Keras, TF and
    # course.
    shortcut = edit_cell(
        solved(),
        "nn-softmax-answer",
        "from scipy import special\ndef softmax(z):\n    return special.softmax(z, axis=-1)",
    )
    loop = edit_cell(
        solved(), "nn-he_std-answer", "def he_std(fan_in):\n    while True:\n        pass"
    )
    exits = edit_cell(solved(), "nn-glorot_limit-answer", "import sys\nsys.exit(1)")
    died = edit_cell(solved(), "nn-glorot_limit-answer", "import os\nos._exit(1)")
    return {
        "solved": solved(),
        "student": student(),
        "spoof": spoof,
        "edited": edited,
        "deleted": deleted,
        "patched": patched,
        "shortcut": shortcut,
        "loop": loop,
        "exit": exits,
        "died": died,
    }


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    root = tmp_path_factory.mktemp("grading")
    for name, nb in _submissions().items():
        (root / "subs" / name).mkdir(parents=True)
        nbformat.write(nb, root / "subs" / name / f"{ASSIGNMENT}.ipynb")
    (root / "subs" / "broken").mkdir()
    (root / "subs" / "broken" / f"{ASSIGNMENT}.ipynb").write_text('{"cells": [')
    start = time.perf_counter()
    results = grade(ASSIGNMENT, root / "subs", root / "grades.csv", root / "feedback", timeout=10)
    print(f"graded {len(results)} submissions in {time.perf_counter() - start:.1f} s")
    rows = {r["student_id"]: r for r in csv.DictReader(open(root / "grades.csv"))}
    return {r.student: r for r in results}, rows, root


def test_solved_full_marks_and_student_copy_zero(batch):
    results, rows, _ = batch
    full = float(rows["solved"]["max_total"])
    assert results["solved"].total == full == 12 and not results["solved"].notes
    assert results["student"].total == 0
    assert float(rows["solved"]["total"]) == full and float(rows["student"]["total"]) == 0
    assert set(rows["solved"]) >= {"student_id", "nn-sigmoid", "nn-dense_backward", "total"}


@pytest.mark.parametrize(
    "student,lost,note",
    [
        ("spoof", "all", "nn-he_std: the check cell was edited"),
        ("edited", "nn-sigmoid", "nn-sigmoid: the check cell was edited"),
        ("deleted", "all", "nn-he_std: the check cell was missing"),
        ("patched", "all", "nn-he_std: 0 points"),
        ("shortcut", "nn-softmax", "asks for your own implementation"),
        ("loop", "nn-he_std", "timed out"),
        ("exit", "nn-glorot_limit", "nn-glorot_limit-answer: your code failed: SystemExit"),
        ("died", "nn-glorot_limit", "nn-glorot_limit-answer: your code failed: the kernel died"),
        ("broken", "all", "not a valid notebook file"),
    ],
)
def test_tampering_scores_as_it_should(batch, student, lost, note):
    results, rows, root = batch
    solved = results["solved"].points
    got = results[student].points
    if lost == "all":
        assert got["nn-he_std"] == 0
    else:
        assert got[lost] == 0
        assert all(got[q] == solved[q] for q in solved if q != lost), got
    assert any(note in n for n in results[student].notes), results[student].notes
    feedback = (root / "feedback" / f"{student}.html").read_text()
    assert note in feedback.replace("&#x27;", "'")


def test_feedback_one_html_per_student(batch):
    results, rows, root = batch
    assert sorted(p.stem for p in (root / "feedback").glob("*.html")) == sorted(results)
    assert {row["sandbox"] for row in rows.values()} == {"bubblewrap"}
    grading = [
        line.strip()
        for line in (SOURCE_DIR / ASSIGNMENT / "grading.py").read_text().splitlines()
        if len(line.strip()) > 30
    ]
    for page in (root / "feedback").glob("*.html"):
        text = html.unescape(page.read_text())
        assert not [line for line in grading if line in text], page.name


def test_grade_refuses_without_bubblewrap_unless_unsafe(tmp_path, monkeypatch, capsys):
    from course.cli import main

    (tmp_path / "subs" / "a").mkdir(parents=True)
    monkeypatch.setenv("PATH", str(tmp_path))  # no bwrap on this PATH
    assert main(["homework", "grade", ASSIGNMENT, str(tmp_path / "subs")]) == 2
    assert "apt-get install bubblewrap" in capsys.readouterr().err
    nbformat.write(student(), tmp_path / "subs" / "a" / f"{ASSIGNMENT}.ipynb")
    assert (
        main(
            [
                "homework",
                "grade",
                ASSIGNMENT,
                str(tmp_path / "subs"),
                "--unsafe-no-sandbox",
                "--gradebook",
                str(tmp_path / "grades.csv"),
                "--feedback",
                str(tmp_path / "fb"),
            ]
        )
        == 0
    )
    [row] = csv.DictReader(open(tmp_path / "grades.csv"))
    assert row["sandbox"] == "NONE (--unsafe-no-sandbox)" and row["total"] == "0"


def test_job_takes_answers_from_the_submission_and_everything_else_from_the_release():
    from course.homework.job import steps

    released = student()
    nb = solved()
    setup = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "setup")
    setup.source, setup.metadata.nbgrader["solution"] = (
        "import os; os._exit(0)",
        True,
    )  # posing as an answer
    nb.cells.insert(5, nbformat.v4.new_code_cell("helper = 1"))
    run, notes = steps(released, nb)
    sources = [s["source"] for s in run if "source" in s]
    assert "import os; os._exit(0)" not in sources and "helper = 1" in sources
    assert [s["qid"] for s in run if "qid" in s] == [
        "nn.sigmoid",
        "nn.sigmoid_grad",
        "nn.tanh_grad",
        "nn.softmax",
        "nn.cross_entropy",
        "nn.dense_backward",
        "nn.he_std",
        "nn.glorot_limit",
    ]
    answer = next(s["source"] for s in run if s["gid"] == "nn-sigmoid-answer")
    assert "NotImplementedError" not in answer and not notes


def test_a_modelling_assignment_scores_full_marks_in_the_sandbox(capsys):
    """hw3 trains Keras models inside the sandbox (TensorFlow's threads under the process limit) and
    the grader judges their predictions on the noisy test images."""
    from course.cli import main

    assert (
        main(
            [
                "homework",
                "check",
                str(SOURCE_DIR / "hw3_regularization" / "hw3_regularization.ipynb"),
            ]
        )
        == 0
    )
    assert re.search(r"^total\s+14$", capsys.readouterr().out, re.M)
