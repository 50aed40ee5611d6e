"""Check the student path: the package as students install it, each notebook as they open it.

    python scripts/check_student_path.py [--readme-notebooks NAME ...] [--jobs 2] [--keep DIR]

1. Colab-style: build a wheel from this checkout, install it with no extras into a fresh
   virtual environment, copy each session notebook alone into an empty folder (no repository
   around it) and execute it there with nbclient in fast mode. One line per notebook:
   ``ok``/``FAIL``, seconds, and the first error.
2. README command 1: ``pip install -e .`` (base only) in that environment, then ``course run
   --all --fast`` from the checkout (``--readme-notebooks`` runs only the named notebooks, to fit
   CI's time budget).
Exits 1 if anything fails. Reuses pip's cache; downloads nothing but packages.
"""
import argparse
import concurrent.futures
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
SESSIONS = ("session02", "session07")
CELL_TIMEOUT = 600  # seconds; fast mode needs well under a minute per notebook


def session_notebooks():
    """The session notebooks of this checkout, sorted (the same set `course list` shows)."""
    return sorted(p for s in SESSIONS for p in (REPO_ROOT / "notebooks" / s).glob("*.ipynb"))


def run(command, **kwargs):
    """Run a command, failing loudly with its output if it exits non-zero."""
    done = subprocess.run(command, capture_output=True, text=True, **kwargs)
    if done.returncode != 0:
        raise SystemExit(f"command failed ({done.returncode}): {' '.join(map(str, command))}\n"
                         f"{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    return done.stdout


def student_env(venv):
    """The environment of a student's process: the venv first on PATH, nothing of this checkout."""
    env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "VIRTUAL_ENV", "COURSE_FAST"}}
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    env["VIRTUAL_ENV"] = str(venv)
    return env


def build_wheel(work):
    """Build the wheel of this checkout; return its path."""
    dist = work / "dist"
    run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(dist),
         str(REPO_ROOT)])
    return next(dist.glob("course-*.whl"))


def make_venv(work):
    """A fresh virtual environment (no system site-packages) in ``work/venv``."""
    run([sys.executable, "-m", "venv", str(work / "venv")])


def execute_one(path):
    """Run inside the student environment: execute one notebook in fast mode, print the verdict.

    Prints ``ok <seconds>`` or ``FAIL <seconds> <first error>``; the executed copy is written
    next to the notebook for inspection.
    """
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=CELL_TIMEOUT, kernel_name="python3",
                            resources={"metadata": {"path": str(Path(path).parent)}})
    os.environ["COURSE_FAST"] = "1"
    start = time.perf_counter()
    try:
        client.execute()
        verdict = "ok"
    except CellExecutionError as err:
        verdict = f"FAIL {err.ename}: {str(err.evalue).splitlines()[0] if err.evalue else ''}"
    except Exception as err:  # a dead kernel or a timeout is a failure of this notebook, not of the check
        verdict = f"FAIL {type(err).__name__}: {str(err).splitlines()[0] if str(err) else ''}"
    seconds = time.perf_counter() - start
    nbformat.write(nb, Path(path).with_suffix(".executed.ipynb"))
    status, _, error = verdict.partition(" ")
    print(f"{status} {seconds:.1f} {error}".rstrip())


def check_kernel_is_the_students(venv, folder):
    """The kernel nbclient starts must be the venv's Python with the wheel's `course`."""
    probe = folder / "probe.ipynb"
    probe.write_text('{"cells": [{"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": null,'
                     ' "source": "import course, sys\\nprint(sys.prefix, course.__file__)"}],'
                     ' "metadata": {}, "nbformat": 4, "nbformat_minor": 5}')
    code = ("import nbformat, nbclient, sys; nb = nbformat.read(sys.argv[1], 4); "
            "nbclient.NotebookClient(nb, kernel_name='python3').execute(); print(nb.cells[0].outputs[0].text)")
    prefix, course_file = run([venv / "bin" / "python", "-c", code, probe], cwd=folder,
                              env=student_env(venv)).split()
    if Path(prefix).resolve() != venv.resolve() or REPO_ROOT.as_posix() in course_file:
        raise SystemExit(f"the notebook kernel is not the student's: prefix {prefix}, course at {course_file}")


def colab_style(venv, work, jobs):
    """Execute every session notebook alone in an empty folder; return the failures."""
    def one(path):
        folder = Path(tempfile.mkdtemp(prefix=f"{path.stem}-", dir=work))
        copy = folder / path.name
        shutil.copy(path, copy)
        done = subprocess.run([venv / "bin" / "python", __file__, "--execute-one", copy], cwd=folder,
                              env=student_env(venv), capture_output=True, text=True)
        last = done.stdout.strip().splitlines()[-1] if done.stdout.strip() else f"FAIL 0 {done.stderr[-300:]}"
        status, seconds, *error = last.split(" ", 2)
        return f"{path.parent.name}/{path.stem}", status, float(seconds), (error or [""])[0]

    failures = []
    with concurrent.futures.ThreadPoolExecutor(jobs) as pool:
        for name, status, seconds, error in pool.map(one, session_notebooks()):
            print(f"{status:<5} {name:<45} {seconds:6.1f} s  {error}".rstrip(), flush=True)
            if status != "ok":
                failures.append(name)
    return failures


def readme_command(venv, names):
    """README command 1 in a base-only editable install; return True when it exits 0."""
    run([venv / "bin" / "pip", "install", "-q", "--no-compile", "-e", str(REPO_ROOT)], env=student_env(venv))
    selection = names or ["--all"]
    output = Path(tempfile.mkdtemp(prefix="readme-build-"))
    start = time.perf_counter()
    done = subprocess.run([venv / "bin" / "course", "run", *selection, "--fast", "--output", str(output)],
                          cwd=REPO_ROOT, env=student_env(venv), capture_output=True, text=True)
    shutil.rmtree(output, ignore_errors=True)
    for line in done.stdout.splitlines():
        print(f"      {line}")
    status = "ok" if done.returncode == 0 else "FAIL"
    label = f"course run {' '.join(selection)} --fast"
    print(f"{status:<5} {label:<45} {time.perf_counter() - start:6.1f} s  "
          f"{done.stderr.strip().splitlines()[-1] if done.returncode and done.stderr.strip() else ''}".rstrip())
    return done.returncode == 0


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--readme-notebooks", nargs="*", default=None,
                        help="run README command 1 on these notebooks only (default: --all)")
    parser.add_argument("--jobs", type=int, default=2, help="notebooks executed at once")
    parser.add_argument("--keep", help="work in this folder and keep it (default: a temporary one); a rerun "
                                       "with the same folder reuses its venv and only refreshes the wheel")
    parser.add_argument("--execute-one", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.execute_one:
        return execute_one(args.execute_one)
    if args.jobs < 1:
        parser.error(f"--jobs must be at least 1, got {args.jobs}")
    work = Path(args.keep or tempfile.mkdtemp(prefix="student-path-")).resolve()
    work.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    try:
        wheel = build_wheel(work)
        print(f"wheel {wheel.name}: {wheel.stat().st_size / 1e6:.2f} MB", flush=True)
        venv = work / "venv"
        if venv.exists():  # --keep DIR from an earlier run: refresh the wheel only (a quick rerun)
            run([venv / "bin" / "pip", "install", "-q", "--no-compile", "--no-deps", "--force-reinstall",
                 str(wheel)], env=student_env(venv))
        else:
            make_venv(work)
            run([venv / "bin" / "pip", "install", "-q", "--no-compile", str(wheel)], env=student_env(venv))
        print(f"installed into a fresh venv with no extras ({time.perf_counter() - start:.0f} s so far)", flush=True)
        check_kernel_is_the_students(venv, work)
        failures = colab_style(venv, work, args.jobs)
        readme_ok = readme_command(venv, args.readme_notebooks)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    total = len(session_notebooks())
    print(f"student path: {total - len(failures)}/{total} notebooks ok from the wheel, README command "
          f"{'ok' if readme_ok else 'FAILED'} ({time.perf_counter() - start:.0f} s)")
    return 0 if not failures and readme_ok else 1


if __name__ == "__main__":
    sys.exit(main())
