"""Check the student path: the package as students install it, each notebook as they open it.

    python scripts/check_student_path.py [--readme-notebooks NAME ...] [--jobs 2] [--keep DIR]

1. Colab-style: build a wheel from this checkout, install it with no extras into a fresh
   virtual environment, copy each session notebook alone into an empty folder (no repository
   around it) and execute it there in fast mode under nbval, on a kernel of that environment, so
   the checked outputs are compared too (this is the suite's notebook check: ``python -m pytest``
   does not run the session notebooks again). One line per notebook: ``ok``/``FAIL``, seconds,
   and the first error. Needs the ``test`` extra in the Python that runs it.
2. README command 1: ``pip install -e .`` (base only) in that environment, then ``course run
   --all --fast`` from the checkout (``--readme-notebooks`` runs only the named notebooks, to fit
   CI's time budget).
Exits 1 if anything fails. Reuses pip's cache; downloads nothing but packages.
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from xml.etree import ElementTree

REPO_ROOT = Path(__file__).resolve().parent.parent
SESSIONS = ("session02", "session07")
CELL_TIMEOUT = 600  # seconds; fast mode needs well under a minute per notebook
KERNEL = "course-student"  # the kernelspec that starts the student venv's Python


def session_notebooks(only=None):
    """The session notebooks of this checkout, sorted (the same set `course list` shows); with
    `only` (stems such as ``05_diffusion``), just those."""
    found = sorted(p for s in SESSIONS for p in (REPO_ROOT / "notebooks" / s).glob("*.ipynb"))
    unknown = set(only or ()) - {p.stem for p in found}
    if unknown:
        raise SystemExit(f"--notebooks: no session notebook named {', '.join(sorted(unknown))}; "
                         f"choose from {', '.join(p.stem for p in found)}")
    return [p for p in found if not only or p.stem in only]


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


def register_kernel(venv, work):
    """A kernelspec named `KERNEL` that starts the venv's Python; returns its JUPYTER_PATH folder.

    nbval starts it (``--nbval-kernel-name``), so the notebooks run on the wheel's `course`.
    """
    folder = work / "jupyter" / "kernels" / KERNEL
    folder.mkdir(parents=True, exist_ok=True)
    env = student_env(venv)
    (folder / "kernel.json").write_text(json.dumps({
        "argv": [str(venv / "bin" / "python"), "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Python (student venv)", "language": "python",
        "env": {"PATH": env["PATH"], "VIRTUAL_ENV": env["VIRTUAL_ENV"]}}))
    return work / "jupyter"


def checker_env(jupyter_path):
    """The environment of the nbval run: this Python's, without PYTHONPATH (the kernel inherits it
    and must not see the checkout), with the student kernel on JUPYTER_PATH."""
    env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "COURSE_FAST"}}
    env["JUPYTER_PATH"] = str(jupyter_path)
    return env


def check_kernel_is_the_students(venv, env, folder):
    """The kernel nbval starts must be the venv's Python with the wheel's `course`."""
    probe = folder / "probe.ipynb"
    probe.write_text('{"cells": [{"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": null,'
                     ' "source": "import course, sys\\nprint(sys.prefix, course.__file__)"}],'
                     ' "metadata": {}, "nbformat": 4, "nbformat_minor": 5}')
    code = ("import nbformat, nbclient, sys; nb = nbformat.read(sys.argv[1], 4); "
            f"nbclient.NotebookClient(nb, kernel_name={KERNEL!r}).execute(); print(nb.cells[0].outputs[0].text)")
    prefix, course_file = run([sys.executable, "-c", code, probe], cwd=folder, env=env).split()
    if Path(prefix).resolve() != venv.resolve() or REPO_ROOT.as_posix() in course_file:
        raise SystemExit(f"the notebook kernel is not the student's: prefix {prefix}, course at {course_file}")


def first_error(failure):
    """The line of an nbval failure that names the error (``ValueError: ...``), else its first line."""
    text = failure.get("message", "") + "\n" + (failure.text or "")
    text = re.sub(r"(#x1B|\x1b)\[[0-9;]*m", "", text)  # nbval colours its report; JUnit escapes ESC
    lines = [line.strip() for line in text.splitlines()]
    named = [line for line in lines if re.match(r"^[A-Za-z_][\w.]*(Error|Exception|Interrupt)\b", line)]
    if named:  # the last one: a traceback ends with the exception raised
        return named[-1][:200]
    return next((line for line in lines if line), "failed")[:200]


def notebook_verdicts(junit_xml):
    """``{notebook file name: (seconds, first error or None)}`` from nbval's JUnit report."""
    verdicts = {}
    for case in ElementTree.parse(junit_xml).iter("testcase"):
        # classname is "<folder>.<stem>.ipynb" (the copy's path relative to the work folder)
        name = case.get("classname", "").removesuffix(".ipynb").rsplit(".", 1)[-1]
        seconds, error = verdicts.get(name, (0.0, None))
        failure = case.find("failure")
        if failure is None:
            failure = case.find("error")
        if error is None and failure is not None:
            error = first_error(failure)
        verdicts[name] = (seconds + float(case.get("time", 0)), error)
    return verdicts


def colab_style(venv, work, jobs, only=None):
    """Every session notebook alone in an empty folder, run under nbval on the student kernel (its
    checked outputs compared, as the test suite would); returns the failures.

    One pytest run over all copies, `jobs` notebooks at a time; the repository's conftest.py (fast
    mode, nbval settings) sits in the parent folder of the copies, never beside a notebook.
    """
    env = checker_env(register_kernel(venv, work))
    check_kernel_is_the_students(venv, env, work)
    copies = {}
    for path in session_notebooks(only):
        folder = Path(tempfile.mkdtemp(prefix=f"{path.stem}-", dir=work))
        copies[path] = shutil.copy(path, folder / path.name)
    shutil.copy(REPO_ROOT / "conftest.py", work / "conftest.py")
    (work / "pytest.ini").write_text(
        "[pytest]\naddopts = -p no:cacheprovider -p no:randomly -p no:benchmark --nbval-lax "
        f"--nbval-kernel-name {KERNEL} --nbval-cell-timeout={CELL_TIMEOUT} --dist loadfile\n")
    junit = work / "nbval.xml"
    subprocess.run([sys.executable, "-m", "pytest", "-c", str(work / "pytest.ini"), "--rootdir", str(work),
                    "-q", "--no-header", "-n", str(jobs), f"--junitxml={junit}", *map(str, copies.values())],
                   cwd=work, env=env)
    verdicts = notebook_verdicts(junit) if junit.exists() else {}
    failures = []
    for path in copies:
        name = f"{path.parent.name}/{path.stem}"
        seconds, error = verdicts.get(path.stem, (0.0, "not run (see the pytest output above)"))
        status = "ok" if error is None else "FAIL"
        print(f"{status:<5} {name:<45} {seconds:6.1f} s  {error or ''}".rstrip(), flush=True)
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
    parser.add_argument("--notebooks", nargs="+", default=None,
                        help="check only these session notebooks (stems, e.g. 05_diffusion); default: all")
    parser.add_argument("--jobs", type=int, default=2, help="notebooks executed at once")
    parser.add_argument("--keep", help="work in this folder and keep it (default: a temporary one); a rerun "
                                       "with the same folder reuses its venv and only refreshes the wheel")
    parser.add_argument("--install-only", action="store_true",
                        help="build the wheel and the venv in --keep DIR, then stop (CI installs while the "
                             "test suite runs, and checks afterwards with the same --keep DIR)")
    args = parser.parse_args(argv)
    if args.jobs < 1:
        parser.error(f"--jobs must be at least 1, got {args.jobs}")
    if args.install_only and not args.keep:
        parser.error("--install-only needs --keep DIR (the folder the later check reuses)")
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
        if args.install_only:
            return 0
        failures = colab_style(venv, work, args.jobs, args.notebooks)
        readme_ok = readme_command(venv, args.readme_notebooks)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    total = len(session_notebooks(args.notebooks))
    print(f"student path: {total - len(failures)}/{total} notebooks ok from the wheel, README command "
          f"{'ok' if readme_ok else 'FAILED'} ({time.perf_counter() - start:.0f} s)")
    return 0 if not failures and readme_ok else 1


if __name__ == "__main__":
    sys.exit(main())
