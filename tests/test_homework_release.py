"""Release: nbgrader strips solutions and hidden tests; no solution text or digest reaches the
student notebooks or the files the wheel ships (`course/**` and the `course.artifacts` data)."""

import importlib.resources
import re
from pathlib import Path

import nbformat
import pytest

import course
from course.homework.release import SOURCE_DIR, STUDENT_DIR, assignments, release

SOLUTION = re.compile(r"### BEGIN SOLUTION\n(.*?)### END SOLUTION", re.S)
HIDDEN = re.compile(r"### BEGIN HIDDEN TESTS\n(.*?)### END HIDDEN TESTS", re.S)


def _secret_lines(nb, longer_than=25):
    """Lines of solution regions and hidden-test blocks that are specific enough to identify."""
    for block in _secret_blocks(nb):
        yield from (line for line in block if len(line) > longer_than)


def _secret_blocks(nb):
    """Each solution region and hidden-test block as a list of stripped lines (the grader call
    excluded)."""
    for cell in nb.cells:
        for block in SOLUTION.findall(cell.source) + HIDDEN.findall(cell.source):
            yield [
                line.strip()
                for line in block.splitlines()
                if line.strip() and "run_module" not in line
            ]


def _package_leaks(nb):
    """What would betray a solution copied into the package: a long secret line, or two consecutive
    ones (joined by a space); a short idiom line alone (`with tf.GradientTape() as tape:`) is no
    leak."""
    yield from _secret_lines(nb, longer_than=50)
    for block in _secret_blocks(nb):
        yield from (" ".join(pair) for pair in zip(block, block[1:]) if len("".join(pair)) > 40)


def _wheel_text():
    """The text files the wheel ships (course/**.py and the course.artifacts data), each file's
    stripped lines joined by spaces so that consecutive lines can be searched for."""
    files = [
        *Path(course.__file__).parent.rglob("*.py"),
        *(
            Path(str(p))
            for p in importlib.resources.files("course.artifacts").iterdir()
            if p.name.endswith((".py", ".json", ".csv", ".tsv", ".md"))
        ),
    ]
    return "\n".join(
        " ".join(line.strip() for line in f.read_text(errors="ignore").splitlines() if line.strip())
        for f in files
    )


@pytest.fixture(scope="module")
def released(tmp_path_factory):
    return {
        p.stem: nbformat.read(p, as_version=4)
        for p in release(dest_dir=tmp_path_factory.mktemp("release"))
    }


def test_six_assignments_released_and_committed_copies_are_current(released):
    assert sorted(released) == assignments() and len(released) == 6
    for name, nb in released.items():
        committed = nbformat.read(STUDENT_DIR / f"{name}.ipynb", as_version=4)
        assert [c.source for c in committed.cells] == [c.source for c in nb.cells], (
            f"{name}: run `course homework release`"
        )


def test_no_solution_or_hidden_test_in_student_notebooks_or_package(released):
    package_text = _wheel_text()
    for name in assignments():
        source = nbformat.read(SOURCE_DIR / name / f"{name}.ipynb", as_version=4)
        secrets = list(_secret_lines(source))
        assert secrets
        student_text = "\n".join(c.source for c in released[name].cells)
        assert "BEGIN SOLUTION" not in student_text and "BEGIN HIDDEN TESTS" not in student_text
        for line in secrets:
            assert line not in student_text, f"{name}: solution text leaked: {line}"
        for leak in _package_leaks(source):
            assert leak not in package_text, f"{name}: solution text in the package: {leak}"
    assert not re.search(r"\b[0-9a-f]{24,64}\b", package_text), (
        "a digest-like constant ships in course/"
    )


def test_grade_cells_carry_points_and_raise_until_answered(released):
    for nb in released.values():
        graded = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade")]
        assert graded and all(c.metadata.nbgrader.points > 0 for c in graded)
        assert all("raises-exception" in c.metadata.get("tags", []) for c in graded)


def test_student_checks_import_no_nbgrader():
    import subprocess
    import sys

    code = "import sys, course.homework; sys.exit('nbgrader' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0


def test_cli_releases_from_a_private_source_and_reports_a_broken_notebook(tmp_path, capsys):
    import shutil

    from course.cli import main

    private = tmp_path / "private"  # a course instance's own sources, outside the repository
    shutil.copytree(SOURCE_DIR / "hw4_nn", private / "hw4_nn")
    assert (
        main(["homework", "release", "--source", str(private), "--dest", str(tmp_path / "out")])
        == 0
    )
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["hw4_nn.ipynb"]
    released = nbformat.read(tmp_path / "out" / "hw4_nn.ipynb", as_version=4)
    committed = nbformat.read(STUDENT_DIR / "hw4_nn.ipynb", as_version=4)
    assert [c.source for c in released.cells] == [c.source for c in committed.cells]
    broken = tmp_path / "hw4_nn.ipynb"
    broken.write_text('{"cells": [')
    capsys.readouterr()
    assert main(["homework", "check", str(broken), "--source", str(private)]) == 1
    out = capsys.readouterr().out
    assert (
        re.search(r"^total\s+0$", out, re.M) and "hw4_nn.ipynb is not a valid notebook file" in out
    ), out
    assert main(["homework", "grade", "hw4_nn", str(tmp_path / "no-such-folder")]) == 2


def _visible_builder():
    import importlib.util

    path = Path(__file__).resolve().parent.parent / "scripts" / "build_homework_visible_cases.py"
    spec = importlib.util.spec_from_file_location("build_homework_visible_cases", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_stored_visible_cases_are_what_the_instructor_generators_draw():
    import numpy as np

    from course.homework.plain import from_plain
    from course.homework.selfcheck import stored_cases

    fresh, stored = _visible_builder().build(), stored_cases()
    assert sorted(fresh) == sorted(stored) and len(stored) >= 35
    for qid, cases in fresh.items():
        assert [c["what"] for c in cases] == [c["what"] for c in stored[qid]], qid
        for new, old in zip(cases, stored[qid]):
            for key in ("args", "expected"):
                a, b = from_plain(new[key]), from_plain(old[key])
                assert str(a) == str(b) or np.allclose(
                    np.asarray(a, dtype=float), np.asarray(b, dtype=float), rtol=1e-6, atol=1e-7
                ), (qid, key)


def test_the_wheel_ships_no_hidden_generator_reference_or_private_value():
    """What only the grader may hold: grading-only values, the references the hidden cases are
    computed with, and a `hidden` mode in any question of the wheel."""
    package_text = _wheel_text()
    for secret in (
        "the majority-vote error of 3 models",
        "the inference scale of classic dropout",
        "if hidden else",
        "StandardScaler().fit(train)",
        "special.expit(x)",
        "stats.binom.sf(m // 2",
        "kl_divergence(tfd.Normal",
        "flip_left_right(x)",
        "CenterCrop(size, size)",
        "_keras_run(",
        "tf.clip_by_global_norm(grads, max_norm)",
    ):
        assert secret not in package_text, f"{secret!r} ships in the wheel"
