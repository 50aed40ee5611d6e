"""Homework release and grading: committed student files are current, leak nothing, and fail
every check; solved sources pass every check; the wheel ships no solutions."""
import subprocess
import sys
import zipfile

import nbformat
import pytest

from course import cli
from course.homework import QUESTIONS
from course.homework.grade import grade
from course.homework.release import BEGIN, END, SOURCE_DIR, STUDENT_DIR, release, strip_solutions

SOURCES = sorted(SOURCE_DIR.glob("*.ipynb"))
IDS = [p.stem for p in SOURCES]


def _solution_lines(path):
    """Meaningful lines found between the solution markers of a source notebook."""
    lines, inside = set(), False
    for cell in nbformat.read(path, as_version=4).cells:
        for line in cell.source.splitlines():
            marker = line.strip()
            inside = (inside or marker == BEGIN) and marker != END
            if inside and marker != BEGIN and len(marker) > 12:
                lines.add(marker)
    return lines


def test_every_question_is_asked_in_a_source():
    from course.homework.release import CHECK_CALL

    asked = set()
    for path in SOURCES:
        for cell in nbformat.read(path, as_version=4).cells:
            asked |= set(CHECK_CALL.findall(cell.source))
    assert asked == set(QUESTIONS)


def test_committed_student_notebooks_match_a_fresh_release(tmp_path):
    fresh = release(student_dir=tmp_path)
    for path in fresh:
        committed = STUDENT_DIR / path.name
        assert committed.exists(), f"run `course homework release` ({path.name} missing)"
        assert committed.read_text() == path.read_text(), "run `course homework release`"


@pytest.mark.parametrize("source", SOURCES, ids=IDS)
def test_no_solution_text_in_student_notebooks(source):
    solution = _solution_lines(source)
    assert solution
    student = (STUDENT_DIR / source.name).read_text()
    assert not [line for line in solution if line in student]


def test_wheel_ships_no_solutions(tmp_path):
    """No instructor source and no solution line in the homework package of the wheel.

    (The library itself teaches some of the same formulas, e.g. `course.nn.activations`; the
    homework asks students to write them without looking, so only `course/homework` is scanned.)
    """
    from course.notebooks import REPO_ROOT

    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                    "-q", "-w", str(tmp_path), str(REPO_ROOT)], check=True, timeout=300)
    wheel = next(tmp_path.glob("course-*.whl"))
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        text = "\n".join(archive.read(n).decode("utf-8", "ignore") for n in names
                         if n.startswith("course/homework/"))
    assert any(n.startswith("course/homework/") for n in names)
    assert not any("instructor" in n for n in names)
    leaked = [line for src in SOURCES for line in _solution_lines(src) if line in text]
    assert not leaked


@pytest.mark.parametrize("source", SOURCES, ids=IDS)
def test_solved_source_passes_and_student_version_fails_every_check(source):
    solved = grade(source)
    assert solved and all(r.passed for r in solved), [r for r in solved if not r.passed]
    student = grade(STUDENT_DIR / source.name)
    assert [r.qid for r in student] == [r.qid for r in solved]
    assert not any(r.passed for r in student)


def test_strip_solutions_keeps_indentation_and_rejects_unbalanced_markers():
    src = f"def f(x):\n    {BEGIN}\n    return x\n    {END}"
    assert strip_solutions(src) == 'def f(x):\n    raise NotImplementedError("write your solution here")'
    with pytest.raises(ValueError, match="without"):
        strip_solutions(f"{BEGIN}\nx = 1")


def test_cli_check_exit_codes(capsys):
    assert cli.main(["homework", "check", str(SOURCES[0])]) == 0
    assert "score: " in capsys.readouterr().out
    assert cli.main(["homework", "check", str(STUDENT_DIR / SOURCES[0].name)]) == 1
    assert cli.main(["homework", "check", "missing.ipynb"]) == 2
