"""The `course` command: list, run and regenerate session notebooks, and check the install."""

import argparse
import os
import shutil
import sys
from pathlib import Path

from course import config, notebooks, profiles

BUILD_DIR = Path("build")


def cmd_list(args):
    """Print sessions, notebooks and the topics each covers."""
    found = notebooks.discover()
    if not found:
        print(f"no notebooks under {notebooks.NOTEBOOK_DIR} (run from a clone of the repository)")
        return 1
    session = None
    for nb in found:
        current = nb.name.split("/")[0]
        if current != session:
            session = current
            print(f"\n{session}")
        print(f"  {nb.name:<45} {nb.title}")
        for topic in nb.topics:
            print(f"      - {topic}")
    return 0


def _select(args):
    if args.all == bool(args.names):
        raise SystemExit("name one or more notebooks, or pass --all (see `course list`)")
    try:
        return notebooks.discover() if args.all else notebooks.resolve(args.names)
    except ValueError as err:
        print(err.args[0], file=sys.stderr)
        raise SystemExit(2) from None


def _run_many(selected, output_for, fast, record_mode=False):
    """Execute notebooks one by one with a per-cell progress bar; return the failures."""
    from nbclient.exceptions import CellExecutionError
    from tqdm import tqdm

    try:
        notebooks.require_kernel()
    except RuntimeError as err:
        print(err, file=sys.stderr)
        raise SystemExit(2) from None
    env = {profiles.FAST_ENV: "1" if fast else "0"}
    failures = []
    for nb in selected:
        target = output_for(nb)
        with tqdm(
            total=notebooks.code_cell_count(nb.path), desc=nb.name, unit="cell", leave=False
        ) as bar:
            try:
                seconds = notebooks.execute(
                    nb.path,
                    target,
                    progress=lambda i: bar.update(1),
                    env=env,
                    outputs_mode=("fast" if fast else "full") if record_mode else None,
                )
                print(f"ok    {nb.name:<45} {seconds:7.1f} s -> {target}")
            except CellExecutionError as err:
                failures.append(nb.name)
                print(
                    f"FAIL  {nb.name}: {str(err).splitlines()[-1] if str(err) else err}\n"
                    f"      partial output in {target}",
                    file=sys.stderr,
                )
    return failures


def cmd_run(args):
    """Execute notebooks headless; executed copies go under build/."""
    selected = _select(args)
    out = Path(args.output)
    fast = args.fast or profiles.profile().name == "fast"
    failures = _run_many(selected, lambda nb: out / nb.relative_path, fast=fast)
    return 1 if failures else 0


def cmd_regenerate(args):
    """Re-execute notebooks from a clean kernel and store the outputs in place.

    ``--full`` stores full-mode outputs, what students preview; without it, fast mode (a quick
    check while editing). The notebook's metadata records which (``outputs_mode``).
    """
    selected = _select(args)
    failures = _run_many(selected, lambda nb: nb.path, fast=not args.full, record_mode=True)
    return 1 if failures else 0


def cmd_doctor(args):
    """Report versions, device, fast mode and which optional extras are installed."""
    from importlib.util import find_spec

    import course

    print(f"python      {sys.version.split()[0]}")
    print(f"course      {course.__version__}")
    for module in ("tensorflow", "keras", "tensorflow_probability", "numpy", "sklearn"):
        print(f"{module:<11} {_version_of(module)}")
    print(
        f"fast mode   {'on' if profiles.profile().name == 'fast' else 'off'} "
        f"({profiles.FAST_ENV}={os.environ.get(profiles.FAST_ENV, '')!r})"
    )
    print(config.device_report())
    extras = {
        "keras-cv": "keras_cv",
        "albumentations": "albumentations",
        "imbalanced-learn": "imblearn",
        "nbval (test)": "nbval",
        "jupyterlab": "jupyterlab",
    }
    for label, module in extras.items():
        print(f"extra {label:<16} {'installed' if find_spec(module) else 'missing'}")
    return 0


def _version_of(module):
    from importlib import import_module

    try:
        return getattr(import_module(module), "__version__", "?")
    except Exception as err:  # a broken optional install should not stop the report
        return f"not importable ({type(err).__name__}: {err})"


def cmd_homework_release(args):
    """Write the student notebooks from the nbgrader sources."""
    from course.homework.release import release

    for path in release(args.source, args.dest):
        print(f"wrote {path}")
    return 0


def cmd_homework_grade(args):
    """Grade one folder per student, each in a sandbox; write the CSV gradebook and the HTML
    feedback."""
    from course.homework.grade import grade
    from course.homework.sandbox import SandboxUnavailable

    if not Path(args.submissions).is_dir():
        print(f"no such submissions folder: {args.submissions}", file=sys.stderr)
        return 2
    try:
        results = grade(
            args.assignment,
            args.submissions,
            args.gradebook,
            args.feedback,
            args.source,
            args.timeout,
            _limits(args),
            args.unsafe_no_sandbox,
        )
    except SandboxUnavailable as err:
        print(err, file=sys.stderr)
        return 2
    print(
        f"graded {len(results)} submissions: gradebook {args.gradebook}, feedback in "
        f"{args.feedback}"
    )
    return 0


def cmd_homework_check(args):
    """Grade one notebook as a batch would (sandbox, hidden tests); print points and notes."""
    import tempfile

    from course.homework.grade import grade
    from course.homework.sandbox import SandboxUnavailable

    notebook = Path(args.notebook)
    if not notebook.is_file():
        print(f"no such notebook: {notebook}", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "submissions" / "you").mkdir(parents=True)
        shutil.copy(
            notebook,
            Path(tmp) / "submissions" / "you" / f"{args.assignment or notebook.stem}.ipynb",
        )
        try:
            [result] = grade(
                args.assignment or notebook.stem,
                Path(tmp) / "submissions",
                Path(tmp) / "grades.csv",
                Path(tmp) / "feedback",
                args.source,
                args.timeout,
                _limits(args),
                args.unsafe_no_sandbox,
                progress=False,
            )
        except SandboxUnavailable as err:
            print(err, file=sys.stderr)
            return 2
    for qid, points in result.points.items():
        print(f"{qid:<32} {points:g}")
    print(f"{'total':<32} {result.total:g}")
    for note in result.notes:
        print(note)
    return 0 if not result.notes else 1


def _limits(args):
    """The sandbox limits given on the command line."""
    from course.homework.sandbox import Limits

    return Limits(args.memory_mb, args.cpu_seconds, args.processes, args.wall_seconds, args.disk_mb)


def _homework_parser(sub):
    """The `course homework release|grade|check` sub-commands."""
    from course.homework.release import SOURCE_DIR, STUDENT_DIR
    from course.homework.sandbox import Limits

    homework = sub.add_parser(
        "homework", help="release or grade homework (nbgrader; the `instructor` extra)"
    )
    hw_sub = homework.add_subparsers(dest="homework_command", required=True)
    release = hw_sub.add_parser("release", help="write student notebooks from nbgrader sources")
    release.add_argument(
        "--source", default=str(SOURCE_DIR), help="folder of ASSIGNMENT/ASSIGNMENT.ipynb sources"
    )
    release.add_argument("--dest", default=str(STUDENT_DIR), help="where the student notebooks go")
    release.set_defaults(func=cmd_homework_release)
    grade = hw_sub.add_parser(
        "grade",
        help="grade SUBMISSIONS/STUDENT_ID/ASSIGNMENT.ipynb for every student, each in a sandbox",
    )
    grade.add_argument("assignment")
    grade.add_argument("submissions")
    grade.add_argument(
        "--gradebook", default="grades.csv", help="CSV: a row per student, a column per question"
    )
    grade.add_argument(
        "--feedback", default="feedback", help="folder for one STUDENT_ID.html per student"
    )
    check = hw_sub.add_parser(
        "check", help="grade one notebook with the hidden tests; exit 1 unless full marks"
    )
    check.add_argument("notebook")
    check.add_argument("--assignment", help="assignment id (default: the notebook's file name)")
    for command in (grade, check):
        command.add_argument("--source", default=str(SOURCE_DIR), help="folder of nbgrader sources")
        command.add_argument("--timeout", type=int, default=60, help="seconds allowed per cell")
        for flag, value, text in (
            ("--memory-mb", Limits.memory_mb, "memory per process (data segment)"),
            ("--cpu-seconds", Limits.cpu_seconds, "CPU seconds per process"),
            ("--processes", Limits.processes, "processes and threads in the sandbox"),
            ("--wall-seconds", Limits.wall_seconds, "wall-clock seconds per submission"),
            ("--disk-mb", Limits.disk_mb, "writable MB (in memory) for the work folder and /tmp"),
        ):
            command.add_argument(
                flag, type=int, default=value, help=f"sandbox limit: {text} (default {value})"
            )
        command.add_argument(
            "--unsafe-no-sandbox",
            action="store_true",
            help="run submissions without bubblewrap (trusted code only; the gradebook records it)",
        )
    grade.set_defaults(func=cmd_homework_grade)
    check.set_defaults(func=cmd_homework_check)


def build_parser():
    parser = argparse.ArgumentParser(prog="course", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("list", help="list sessions, notebooks and topics").set_defaults(func=cmd_list)
    run = sub.add_parser("run", help="execute notebooks headless into build/")
    run.add_argument("names", nargs="*", help="notebook names (see `course list`)")
    run.add_argument("--all", action="store_true", help="run every session notebook")
    run.add_argument(
        "--fast",
        action="store_true",
        help=f"fast mode: small data and few epochs (also set by {profiles.FAST_ENV}=1)",
    )
    run.add_argument("--output", default=str(BUILD_DIR), help="where executed copies go")
    run.set_defaults(func=cmd_run)
    regen = sub.add_parser("regenerate", help="re-execute notebooks and store outputs in place")
    regen.add_argument("names", nargs="*")
    regen.add_argument("--all", action="store_true")
    regen.add_argument(
        "--full",
        action="store_true",
        help="full mode (the outputs students preview); default: fast mode, for a quick check",
    )
    regen.set_defaults(func=cmd_regenerate)
    sub.add_parser("doctor", help="versions, device and extras").set_defaults(func=cmd_doctor)
    _homework_parser(sub)
    return parser


def main(argv=None):
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
