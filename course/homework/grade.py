"""Batch grading: every submission in its own sandbox, hidden tests judged in the grader's process.

For each `SUBMISSIONS/<student>/<assignment>.ipynb` the grader draws the hidden inputs, runs the
submission's cells and the probes of its answers in a bubblewrap sandbox
(`course.homework.sandbox`), reads the plain results back and judges them against the expected
values it kept, then writes the
student's gradebook row and feedback (`course.homework.gradebook`). A submission that cannot be
graded (invalid JSON, a crash, a limit) scores zero where it failed, with a note saying why; the
batch goes on.
"""

import json
import shutil
import signal
import tempfile
from pathlib import Path

import nbformat
from tqdm.auto import tqdm

from course.homework import plain, sandbox
from course.homework.gradebook import Gradebook, Result, write_feedback
from course.homework.hidden import draw, load_hidden, verdict
from course.homework.job import graded_cells, steps
from course.homework.release import SOURCE_DIR
from course.notebooks import require_kernel

UNSAFE = "NONE (--unsafe-no-sandbox)"


def _read_submission(folder, notebook_name):
    """(the submitted notebook, its bytes) or (None, a one-line reason why it cannot be graded)."""
    path = Path(folder) / notebook_name
    if not path.is_file():
        found = sorted(p.name for p in Path(folder).glob("*.ipynb"))
        return None, f"no {notebook_name} submitted (found: {', '.join(found) or 'nothing'})"
    data = path.read_bytes()
    try:
        return nbformat.reads(data.decode("utf-8"), as_version=4), data
    except Exception as err:  # any unreadable file is the student's problem, not the batch's
        return (
            None,
            f"{notebook_name} is not a valid notebook file ({type(err).__name__}: "
            f"{str(err).splitlines()[0][:200]})",
        )


def _released(root, source_dir, assignment):
    """The released student notebook, made by nbgrader from the source (solutions stripped)."""
    from course.homework.nbgrader_course import make_course

    make_course(root, source_dir, assignment)
    return nbformat.read(next((Path(root) / "release" / assignment).glob("*.ipynb")), as_version=4)


def grade(
    assignment,
    submissions_dir,
    gradebook,
    feedback_dir,
    source_dir=SOURCE_DIR,
    timeout=60,
    limits=None,
    unsafe=False,
    progress=True,
):
    """Grade every `submissions_dir/<student>/<assignment>.ipynb`; write the CSV and feedback files.

    `timeout` is the per-cell limit in seconds, `limits` a `sandbox.Limits` (defaults: 2 GB, 10 min
    CPU, 64 processes). Without bubblewrap this raises `sandbox.SandboxUnavailable` (saying how to
    install it) unless `unsafe=True`, which the gradebook records; without a Jupyter kernel too.
    Returns the list of `Result`s.
    """
    limits = sandbox.Limits() if limits is None else limits
    if not isinstance(limits, sandbox.Limits):
        raise TypeError(
            f"limits must be a course.homework.sandbox.Limits, got {type(limits).__name__}"
        )
    if not unsafe:
        sandbox.bwrap()
    try:
        require_kernel()  # the runner starts one per submission
    except RuntimeError as err:
        raise sandbox.SandboxUnavailable(str(err)) from None
    students = sorted(p.name for p in Path(submissions_dir).iterdir() if p.is_dir())
    if not students:
        raise ValueError(
            f"submissions_dir {submissions_dir} holds no student folders (one per student id)"
        )
    results = []
    with tempfile.TemporaryDirectory(prefix="course-grade-") as root:
        released = _released(Path(root) / "course", source_dir, assignment)
        hidden = load_hidden(source_dir, assignment)
        graded = graded_cells(released)
        missing = sorted({g.qid for g in graded} - set(hidden))
        if missing:
            raise ValueError(
                f"{source_dir}/{assignment}/grading.py has no hidden cases for {missing}"
            )
        maximum = {g.gid: g.points for g in graded}
        book = Gradebook(gradebook, maximum, UNSAFE if unsafe else "bubblewrap")
        for student in tqdm(
            students, desc=f"grading {assignment}", unit="submission", disable=not progress
        ):
            result = _grade_one(
                student,
                Path(submissions_dir) / student,
                f"{assignment}.ipynb",
                released,
                hidden,
                maximum,
                root,
                timeout,
                limits,
                unsafe,
            )
            book.add(result)
            write_feedback(Path(feedback_dir) / f"{student}.html", result, maximum)
            results.append(result)
    return results


def _grade_one(
    student, folder, notebook_name, released, hidden, maximum, root, timeout, limits, unsafe
):
    """Grade one submission; never raises for a bad submission."""
    zero = dict.fromkeys(maximum, 0.0)
    submitted, data = _read_submission(folder, notebook_name)
    if submitted is None:
        return Result(student, zero, [data])
    run, notes = steps(released, submitted)
    drawn = {}
    for index, step in enumerate(run):
        if "qid" in step:
            drawn[index] = draw(step["qid"], hidden)
            step["args"] = plain.to_plain([case.args for case in drawn[index][1]])
    job_dir = sandbox.prepare(root, {notebook_name: data})
    try:
        (job_dir / "job.json").write_text(json.dumps({"timeout": int(timeout), "steps": run}))
        outcome = sandbox.run(job_dir, limits, sandboxed=not unsafe)
    finally:
        shutil.rmtree(job_dir, ignore_errors=True)
    records = _records(outcome.lines, len(run))
    points, cells = dict(zero), []
    for index, step in enumerate(run):
        record = records.get(index)
        problem = _problem(record, outcome, limits, timeout)
        if "qid" in step:
            seed, cases = drawn[index]
            if problem is None:
                problem = verdict(step["qid"], cases, record.get("results"), seed)
            if problem is None:
                points[step["gid"]] = maximum[step["gid"]]
            else:
                notes.append(f"{step['gid']}: 0 points: {problem}")
            cells.append(
                (
                    f'check("{step["qid"]}", {step["name"]})',
                    "",
                    f"{points[step['gid']]:g} / {maximum[step['gid']]:g} points",
                )
            )
        else:
            if problem is not None and step["gid"]:
                notes.append(f"{step['gid']}: your code failed: {problem}")
            cells.append(
                (step["source"], str((record or {}).get("text") or "")[-2000:], problem or "")
            )
    return Result(student, points, notes, cells)


def _records(lines, n_steps):
    """The first well-formed result line of each step (lines that do not parse are ignored). The
    lines come from the sandbox, so every field is untrusted: it is only ever read through str()
    or compared, and results only through the judges."""
    records = {}
    for line in lines:
        try:
            record = json.loads(line)
        except ValueError:
            continue
        if (
            isinstance(record, dict)
            and isinstance(record.get("step"), int)
            and 0 <= record["step"] < n_steps
        ):
            records.setdefault(record["step"], record)
    return records


def _problem(record, outcome, limits, timeout):
    """Why a step earns nothing, in words with the error's last lines, or None if it ran cleanly."""
    if record is None:
        if outcome.wall_limit:
            return f"not run: the wall-clock limit ({limits.wall_seconds} s) ended the submission"
        return f"not run: the submission's sandbox ended early (exit code {outcome.returncode})" + (
            f"\n{outcome.stderr.strip()[-600:]}" if outcome.stderr.strip() else ""
        )
    status = record.get("status")
    if status == "ok":
        return None
    if status == "timeout":
        return f"timed out (per-cell limit {timeout} s)"
    if status == "dead":
        return _death(record.get("exit"), limits)
    if status == "skipped":
        return f"not run: the kernel died in an earlier cell ({_death(record.get('exit'), limits)})"
    error = str(record.get("error"))
    tail = str(record.get("tail") or "")
    return _limit_hint(error, limits) + (f"\n{tail}" if tail and tail.strip() != error else "")


def _death(code, limits):
    """The reason a kernel died, from its exit code (negative: the signal)."""
    if code == -signal.SIGXCPU:
        return f"the kernel hit the CPU-time limit ({limits.cpu_seconds} s)"
    if code == -signal.SIGKILL:
        return f"the kernel was killed (memory limit {limits.memory_mb} MB, or out of memory)"
    return f"the kernel died (exit code {code}: os._exit, a crash, or out of memory)"


def _limit_hint(error, limits):
    """`error`, naming the limit it hit when it is a memory or process-count refusal."""
    if (
        error.startswith("MemoryError")
        or "_ArrayMemoryError" in error
        or "Unable to allocate" in error
    ):
        return f"{error} (memory limit {limits.memory_mb} MB)"
    if "Resource temporarily unavailable" in error or error.startswith("BlockingIOError"):
        return f"{error} (process limit {limits.processes})"
    return error
