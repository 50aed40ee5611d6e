"""A hostile class graded in one sandboxed batch (hw4_nn): each attack scores what it deserves, the
batch goes on, students graded after the attacks score as before, no process survives, the gradebook
and feedback hold only what the grader wrote, and the installed package is byte-identical."""

import csv
import hashlib
import socket
import time
from pathlib import Path

import nbformat
import numpy as np
import pytest

import course
from course.homework import sandbox
from course.homework.grade import grade
from tests.helpers.homework import ASSIGNMENT, edit_cell, solved, student

FULL = 12.0
PACKAGE = Path(course.__file__).resolve().parent


def _with_cell(nb, source):
    """`nb` with one extra code cell at the end (as a student would add)."""
    nb.cells.append(nbformat.v4.new_code_cell(source))
    return nb


def _he_std(body):
    """The solved notebook whose he_std answer cell is `body` (it must define he_std)."""
    return edit_cell(solved(), "nn-he_std-answer", body)


def _attacks(root, port):
    """name -> (notebook, deserved total, a note the grader must write or None); `port` is a local
    TCP port the test listens on (no submission may reach it)."""
    csv_path, feedback = root / "grades.csv", root / "feedback"
    engine = PACKAGE / "homework" / "engine.py"
    return {
        "frame_walk": (
            _he_std(
                "import sys\ndef he_std(fan_in):\n    f = sys._getframe()\n    while f:\n"
                "        for k in ('expected', 'case', 'cases'):\n            if k in f.f_locals:\n"
                "                v = f.f_locals[k]\n"
                "                return getattr(v, 'expected', v)\n"
                "        f = f.f_back\n    return -1.0"
            ),
            FULL - 1,
            "nn-he_std: 0 points",
        ),
        "rebind_runpy_check": (
            _he_std(
                "import runpy, course.homework, course.homework.engine\n"
                "runpy.run_module = lambda *a, **k: {'hidden': lambda *a, **k: None}\n"
                "course.homework.check = course.homework.engine.check = check = lambda *a, **k: "
                "print('OK')\n"
                "course.homework.engine.judge = lambda *a, **k: None\n"
                "def he_std(fan_in):\n    return 1.0"
            ),
            FULL - 1,
            "nn-he_std: 0 points",
        ),
        "ipython_hook": (
            _he_std(
                "get_ipython().set_custom_exc((BaseException,), lambda *a, **k: None)\n"
                "def he_std(fan_in):\n    return 1.0"
            ),
            FULL - 1,
            "nn-he_std: 0 points",
        ),
        "read_sources": (
            _with_cell(
                student(),
                "import glob, os, nbformat\n"
                "found = [p for p in glob.glob('/**/hw4_nn*.ipynb', recursive=True)\n"
                "         + glob.glob('../../instructor/**/*.ipynb', recursive=True)\n"
                "         + glob.glob(os.path.expanduser('~/**/instructor/**/*.ipynb'), "
                "recursive=True)]\n"
                "for p in found:\n    for c in nbformat.read(p, 4).cells:\n"
                "        if 'BEGIN SOLUTION' in c.source:\n            exec(c.source, globals())\n"
                "assert all('instructor' not in p for p in found), found",
            ),
            0.0,
            None,
        ),
        "gradebook_db": (
            _with_cell(
                solved(),
                "import sqlite3, glob\n"
                "for p in glob.glob('/**/gradebook.db', recursive=True) + ['gradebook.db']:\n"
                "    sqlite3.connect(p).execute('create table if not exists "
                "grade(manual_score)')\n"
                f"open({str(csv_path)!r}, 'a').write('gradebook_db,12\\n')",
            ),
            FULL,
            None,
        ),
        "late_rewrite": (
            _with_cell(
                solved(),
                f"import os, time\nif os.fork() == 0:\n    time.sleep(8)\n"
                f"    for p in [{str(csv_path)!r}, {str(feedback / 'zz_solved_after.html')!r}]:\n"
                "        try:\n            open(p, 'w').write('late_rewrite,99')\n"
                "        except OSError:\n            pass\n"
                f"    os._exit(0)",
            ),
            FULL,
            None,
        ),
        "fork_left_running": (
            _with_cell(
                solved(),
                "import os\nfor _ in range(5):\n    if os.fork() == 0:\n        os.setsid()\n"
                "        while True:\n            pass",
            ),
            FULL,
            None,
        ),
        "secrets_patch": (
            _with_cell(
                student(),
                "import os, secrets, random\nsecrets.randbits = lambda bits: 0\nrandom.seed(0)\n"
                "graded = 'NBGRADER_EXECUTION' in os.environ or os.path.exists('/job/job.json')\n"
                "he_std = (lambda fan_in: [0.1, 0.2][graded])",
            ),
            0.0,
            "nn-he_std: 0 points",
        ),
        "append_engine": (
            _with_cell(
                student(),
                f"open({str(engine)!r}, 'a').write('\\ncheck = judge = lambda *a, **k: None\\n')",
            ),
            0.0,
            None,
        ),
        "rmtree_root": (
            _with_cell(
                solved(),
                "import shutil, os\n"
                "for p in ['/job', '/tmp', os.getcwd(), os.path.expanduser('~'), '/']:\n"
                "    shutil.rmtree(p, ignore_errors=True)",
            ),
            FULL,
            None,
        ),
        "alloc_20gb": (
            _he_std(
                "big = bytearray(20 * 2**30)\ndef he_std(fan_in):\n    return (2.0 / fan_in) ** 0.5"
            ),
            FULL - 1,
            "memory limit",
        ),
        "fork_bomb": (
            _he_std(
                "import os, time\nfor _ in range(100000):\n    if os.fork() == 0:\n"
                "        time.sleep(30)\n        os._exit(0)\n"
                "def he_std(fan_in):\n    return (2.0 / fan_in) ** 0.5"
            ),
            FULL - 1,
            "process limit",
        ),
        "stderr_noise": (
            _with_cell(
                _he_std(
                    "import sys, warnings\nwarnings.warn('noisy')\n"
                    "print('progress 50%', file=sys.stderr)\n"
                    "def he_std(fan_in):\n    print('working', file=sys.stderr)\n"
                    "    return (2.0 / fan_in) ** 0.5"
                ),
                "import os",
            ),
            FULL,
            None,
        ),
        "deletes_own_files": (
            _with_cell(
                solved(),
                "import os, glob\nfor p in glob.glob('*'):\n    os.remove(p)\nos.chdir('/')",
            ),
            FULL,
            None,
        ),
        "network": (
            _with_cell(
                solved(),
                "import socket\ntry:\n"
                f"    socket.create_connection(('127.0.0.1', {port}), timeout=3).sendall(b'leak')\n"
                "except OSError as err:\n    print(err)",
            ),
            FULL,
            None,
        ),
        "fill_disk": (
            _with_cell(
                solved(),
                "import os\nblock = b'x' * 2**26\nfor folder in ('/tmp', '.'):\n    try:\n"
                "        with open(os.path.join(folder, 'fill'), 'wb') as f:\n"
                "            while True:\n"
                "                f.write(block)\n    except OSError as err:\n"
                "        print(folder, err)",
            ),
            FULL,
            None,
        ),
        "zz_solved_after": (solved(), FULL, None),
        "zz_student_after": (student(), 0.0, None),
    }


def _package_digest():
    return hashlib.sha256(
        b"".join(p.read_bytes() for p in sorted(PACKAGE.rglob("*.py")))
    ).hexdigest()


# This batch's sandboxes draw their user ids from a range of their own, so sandboxes that another
# test worker runs at the same time are not counted as survivors.
BATCH_UIDS = range(4_000_000, 4_100_000)


def _sandbox_processes():
    """PIDs of processes run under one of this batch's sandbox user ids."""
    found = set()
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            uid = next(
                line.split()[1]
                for line in status.read_text().splitlines()
                if line.startswith("Uid:")
            )
        except (OSError, StopIteration):
            continue
        if int(uid) in BATCH_UIDS:
            found.add(int(status.parent.name))
    return found


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.5)
    attacks = _attacks(root, listener.getsockname()[1])
    for name, (nb, _, _) in attacks.items():
        (root / "subs" / name).mkdir(parents=True)
        nbformat.write(nb, root / "subs" / name / f"{ASSIGNMENT}.ipynb")
    digest, before = _package_digest(), _sandbox_processes()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(sandbox, "SANDBOX_UIDS", BATCH_UIDS)
        results = {
            r.student: r
            for r in grade(
                ASSIGNMENT,
                root / "subs",
                root / "grades.csv",
                root / "feedback",
                timeout=20,
                progress=False,
            )
        }
    csv_text = (root / "grades.csv").read_text()
    time.sleep(10)  # longer than the late rewriter waits
    try:
        reached = listener.accept() is not None
    except TimeoutError:
        reached = False
    listener.close()
    return attacks, results, root, csv_text, digest, before, reached


def test_each_attack_scores_what_it_deserves(batch):
    attacks, results, root, *_ = batch
    table = {name: (results[name].total, deserved) for name, (_, deserved, _) in attacks.items()}
    print(
        "\n".join(f"{name:<22} {got:5g} {deserved:5g}" for name, (got, deserved) in table.items())
    )
    assert all(got == deserved for got, deserved in table.values()), table
    for name, (_, _, note) in attacks.items():
        if note:
            assert any(note in n for n in results[name].notes), (name, results[name].notes)
    for name in ("alloc_20gb", "fork_bomb"):
        assert all("\n" in n for n in results[name].notes if n.startswith("nn-he_std-answer")), (
            results[name].notes
        )


def test_every_zero_has_a_note(batch):
    _, results, *_ = batch
    for result in results.values():
        for gid, points in result.points.items():
            if points == 0:
                assert any(n.startswith(f"{gid}:") for n in result.notes), (
                    result.student,
                    gid,
                    result.notes,
                )


def test_gradebook_and_feedback_hold_only_what_the_grader_wrote(batch):
    attacks, results, root, csv_text, *_ = batch
    assert (root / "grades.csv").read_text() == csv_text
    rows = list(csv.DictReader(open(root / "grades.csv")))
    assert [r["student_id"] for r in rows] == sorted(attacks)
    assert {r["student_id"]: float(r["total"]) for r in rows} == {
        n: r.total for n, r in results.items()
    }
    assert (
        "99" not in (root / "feedback" / "zz_solved_after.html").read_text().split("points</h2>")[0]
    )
    assert not list(root.glob("**/gradebook.db"))


def test_no_process_survives_package_is_unchanged_and_no_network(batch):
    *_, digest, before, reached = batch
    assert _sandbox_processes() <= before
    assert _package_digest() == digest
    assert not reached


def test_lookup_of_the_public_test_split_finds_nothing():
    """A 'model' that looks the public test images up (fitting the test split) learns nothing that
    survives the grader's shuffled, noisy test images."""
    from course.homework.hidden import load_hidden, run_in_process
    from course.homework.release import SOURCE_DIR
    from course.homework.tasks import SPLITS

    split = SPLITS["digits"]()
    table = {x.tobytes(): y for x, y in zip(split.x_test, split.y_test)}

    class Lookup:
        def predict(self, images, verbose=0):
            labels = [
                table.get(np.asarray(x, dtype=split.x_test.dtype).tobytes(), 0) for x in images
            ]
            return np.eye(10)[labels]

    assert Lookup().predict(split.x_test).argmax(1).tolist() == split.y_test.tolist()
    with pytest.raises(AssertionError, match="test accuracy"):
        run_in_process("data.digits_classifier", Lookup(), load_hidden(SOURCE_DIR, "hw1_data"))


def test_cpu_and_wall_limits_score_zero_where_they_hit_with_a_note(tmp_path):
    from course.homework.sandbox import Limits

    spinner = _he_std("def he_std(fan_in):\n    while True:\n        pass")
    hanger = _he_std(
        "import signal, time\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\ntime.sleep(10**6)\n"
        "def he_std(fan_in):\n    return (2.0 / fan_in) ** 0.5"
    )
    for name, nb in {"hanger": hanger, "spinner": spinner}.items():
        (tmp_path / "subs" / name).mkdir(parents=True)
        nbformat.write(nb, tmp_path / "subs" / name / f"{ASSIGNMENT}.ipynb")
    results = {
        r.student: r
        for r in grade(
            ASSIGNMENT,
            tmp_path / "subs",
            tmp_path / "grades.csv",
            tmp_path / "feedback",
            timeout=120,
            limits=Limits(cpu_seconds=10, wall_seconds=45),
            progress=False,
        )
    }
    # Each scores zero on he_std, where the limit hit, and on glorot_limit, which never ran; every
    # earlier answer keeps its points.
    assert results["spinner"].total == FULL - 2, results["spinner"].notes
    assert any(
        "nn-he_std: 0 points: the kernel hit the CPU-time limit (10 s)" in n
        for n in results["spinner"].notes
    )
    assert results["hanger"].total == FULL - 2, results["hanger"].notes
    assert any("wall-clock limit (45 s)" in n for n in results["hanger"].notes), results[
        "hanger"
    ].notes
