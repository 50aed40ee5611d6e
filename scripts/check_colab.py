"""Check the student path on a replica of today's Colab: Colab's Python, Colab's package pins.

    python scripts/check_colab.py [--notebooks NAME ...] [--jobs 2] [--keep DIR] [--install-only]

1. Replica: a fresh virtual environment on Colab's Python (``ci/colab/constraints.txt`` says which;
   found under ``~/.pyenv/versions/``) with Colab's kernel stack at Colab's versions
   (`KERNEL_PACKAGES`: ipykernel, IPython, jupyter_client, the classic notebook server).
2. Resolution: pip's resolver (``pip install --dry-run --report``) for the course wheel against
   every Colab pin. It fails if installing the wheel on Colab would change any package Colab
   ships; the report also lists what the install adds.
3. Install: the wheel with no extras, under Colab's pins (a conflict fails), as the notebooks'
   install cell does on Colab.
4. Every shipped artifact (``course.artifacts``) loads from the installed wheel: the models into
   their architectures (the reference classifier must still classify digits), the tables and
   figures as what they claim to be.
5. Every session notebook alone in an empty folder (no repository around it), run in fast mode
   under nbval on a kernel of the replica, so the checked outputs are compared too (this is the
   suite's notebook check: ``python -m pytest`` does not run the session notebooks again). One
   line per notebook: ``ok``/``FAIL``, seconds, and the first error.
6. Every released homework notebook (``notebooks/homework``) end to end on the same kernel: the
   cells run in order, and only the cells the release tags as raising may raise (the unanswered
   stubs), with the errors a stub may raise.
7. ``--unit-tests`` (not in CI: it takes as long as the suite): the whole unit suite on Colab's
   Python with every library package at Colab's version (`library_pins`: what the wheel installs
   besides Colab's kernel stack), in a second venv, since the test tools need a newer Jupyter.
Exits 1 if anything fails. Needs the ``test`` extra in the Python that runs it. Reuses pip's
cache; downloads nothing but packages.
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
KERNEL = "course-colab"  # the kernelspec that starts the replica's Python
COLAB_PINS = REPO_ROOT / "ci" / "colab" / "constraints.txt"
# Colab's kernel stack, installed at Colab's versions before the wheel: the install must leave it
# as it is (the classic notebook server pins jupyter_client < 8).
KERNEL_PACKAGES = ("ipykernel", "ipython", "jupyter_client", "jupyter_core", "notebook")
PYENV = Path.home() / ".pyenv" / "versions"
# What an unanswered stub of a released homework notebook may raise (as
# tests/test_homework_sources.py).
STUB_ERRORS = ("NotImplementedError", "AssertionError", "NameError")


def session_notebooks(only=None):
    """The session notebooks of this checkout, sorted (the same set `course list` shows); with
    `only` (stems such as ``05_diffusion``), just those."""
    found = sorted(p for s in SESSIONS for p in (REPO_ROOT / "notebooks" / s).glob("*.ipynb"))
    unknown = set(only or ()) - {p.stem for p in found}
    if unknown:
        raise SystemExit(
            f"--notebooks: no session notebook named {', '.join(sorted(unknown))}; "
            f"choose from {', '.join(p.stem for p in found)}"
        )
    return [p for p in found if not only or p.stem in only]


def run(command, **kwargs):
    """Run a command, failing loudly with its output if it exits non-zero."""
    done = subprocess.run(command, capture_output=True, text=True, **kwargs)
    if done.returncode != 0:
        raise SystemExit(
            f"command failed ({done.returncode}): {' '.join(map(str, command))}\n"
            f"{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
        )
    return done.stdout


def venv_env(venv):
    """The environment of a process in `venv`: the venv first on PATH, nothing of this checkout."""
    env = {
        k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "VIRTUAL_ENV", "COURSE_FAST"}
    }
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    env["VIRTUAL_ENV"] = str(venv)
    return env


def build_wheel(work):
    """Build the wheel of this checkout; return its path."""
    dist = work / "dist"
    run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(dist),
            str(REPO_ROOT),
        ]
    )
    return next(dist.glob("course-*.whl"))


def find_python(version):
    """The interpreter of Python `version` (``"3.13"``) under ``~/.pyenv/versions/`` (the newest
    patch release there); a clear failure when the machine has none."""
    found = sorted(
        PYENV.glob(f"{version}.*/bin/python{version}"),
        key=lambda p: [int(n) for n in p.parent.parent.name.split(".") if n.isdigit()],
    )
    if not found:
        raise SystemExit(
            f"Python {version} is needed and not installed: no "
            f"{PYENV}/{version}.*/bin/python{version} (install it with `pyenv install {version}`)"
        )
    return found[-1]


def make_venv(python, venv):
    """A fresh virtual environment (no system site-packages) of `python` at `venv`."""
    run([python, "-m", "venv", str(venv)])


def installed_versions(venv):
    """``{normalized name: version}`` of what pip sees in `venv`."""
    listed = json.loads(
        run([venv / "bin" / "python", "-m", "pip", "list", "--format", "json"], env=venv_env(venv))
    )
    return {normalize(p["name"]): p["version"] for p in listed}


def normalize(name):
    """A distribution name as pip compares them (PEP 503): lower case, runs of -_. as one -."""
    return re.sub(r"[-_.]+", "-", name).lower()


def colab_pins(path=COLAB_PINS):
    """``({normalized name: version}, Colab's Python "3.13", the freeze's date)`` from the
    constraints file `scripts/refresh_colab_pins.py` writes."""
    text = Path(path).read_text()
    header = dict(
        line[2:].split("=", 1) for line in text.splitlines() if re.match(r"^# (python|date)=", line)
    )
    pins = dict(
        line.split("==", 1) for line in text.splitlines() if line and not line.startswith("#")
    )
    return (
        {normalize(n): v for n, v in pins.items()},
        ".".join(header["python"].split(".")[:2]),
        header["date"],
    )


def check_resolution(venv, wheel, work):
    """pip's resolver for `wheel` against every Colab pin, without installing anything; returns
    the report's ``{name: version}`` to install. Fails (SystemExit) if the resolver finds no
    solution, that is, if the install would have to change a package Colab ships."""
    report = work / "resolution.json"
    done = subprocess.run(
        [
            venv / "bin" / "pip",
            "install",
            "--dry-run",
            "--quiet",
            "--report",
            report,
            "-c",
            COLAB_PINS,
            wheel,
        ],
        capture_output=True,
        text=True,
        env=venv_env(venv),
    )
    if done.returncode != 0:
        raise SystemExit(
            "FAIL  the course wheel cannot install under Colab's pins (it would change what Colab "
            f"ships):\n{done.stderr[-3000:]}"
        )
    planned = {
        normalize(item["metadata"]["name"]): item["metadata"]["version"]
        for item in json.loads(report.read_text())["install"]
    }
    pins = colab_pins()[0]
    changed = {n: (pins[n], v) for n, v in planned.items() if n in pins and pins[n] != v}
    if changed:  # pip honours constraints, so this only guards a misread report
        raise SystemExit(
            "FAIL  the install would change Colab's "
            + ", ".join(f"{n} {old} -> {new}" for n, (old, new) in changed.items())
        )
    return planned


def build_replica(work, wheel):
    """Colab's Python with Colab's kernel stack, then the wheel under Colab's pins; returns the
    venv. The resolution check runs first, and the kernel stack must come out unchanged."""
    pins, python, _ = colab_pins()
    venv = work / "venv"
    make_venv(find_python(python), venv)
    run(
        [venv / "bin" / "pip", "install", "-q", "--no-compile", "-c", COLAB_PINS, *KERNEL_PACKAGES],
        env=venv_env(venv),
    )
    before = installed_versions(venv)
    (venv / "kernel-stack.json").write_text(json.dumps(before))
    planned = check_resolution(venv, wheel, work)
    added = sorted(n for n in planned if n not in pins and n != "course")
    print(
        f"resolution under Colab's pins: ok, {len(planned)} packages to install, none of Colab's "
        f"changed; not on Colab: {', '.join(added) or 'none'}",
        flush=True,
    )
    run(
        [venv / "bin" / "pip", "install", "-q", "--no-compile", "-c", COLAB_PINS, wheel],
        env=venv_env(venv),
    )
    after = installed_versions(venv)
    changed = {n: (v, after.get(n)) for n, v in before.items() if after.get(n) != v}
    if changed:
        raise SystemExit(
            "FAIL  installing the wheel changed the kernel stack: "
            + ", ".join(f"{n} {old} -> {new}" for n, (old, new) in changed.items())
        )
    return venv


# Run in the replica: load every shipped artifact from the wheel, as the library reads it.
LOAD_ARTIFACTS = """
import csv, io, json
import course
from course import artifacts
from course.data import load_digits
from course.generative.metrics import classify
from course.transfer import pretrained_digits_backbone
names = artifacts.names()
assert pretrained_digits_backbone().output_shape == (None, 8, 8, 64)
data = load_digits()
accuracy = float((classify(data.x_test) == data.y_test).mean())
assert accuracy > 0.95, accuracy
for name in names:
    if name.endswith(".json"):
        json.loads(artifacts.read_text(name))
    elif name.endswith((".csv", ".tsv")):
        delimiter = "\\t" if name.endswith(".tsv") else ","
        rows = list(csv.reader(io.StringIO(artifacts.read_text(name)), delimiter=delimiter))
        assert len(rows) > 1, name
print(f"{len(names)} artifacts load ({', '.join(names)}); "
      f"reference classifier accuracy {accuracy:.3f}")
"""


def check_artifacts(venv, work):
    """Every shipped artifact loads in the replica (`LOAD_ARTIFACTS`); False if one does not."""
    done = subprocess.run(
        [venv / "bin" / "python", "-c", LOAD_ARTIFACTS],
        cwd=work,
        capture_output=True,
        text=True,
        env={**venv_env(venv), "TF_CPP_MIN_LOG_LEVEL": "3"},
    )
    lines = (done.stdout + done.stderr).strip().splitlines()
    print(f"{'ok' if done.returncode == 0 else 'FAIL':<5} {lines[-1] if lines else ''}", flush=True)
    return done.returncode == 0


def library_pins(venv):
    """Colab's pins of the packages the wheel brought into the replica `venv` (the library side),
    without its kernel stack: the constraints under which the unit tests run."""
    pins = colab_pins()[0]
    kernel = set(installed_versions_before_wheel(venv))
    return {
        name: version
        for name, version in installed_versions(venv).items()
        if name in pins and name not in kernel
    }


def installed_versions_before_wheel(venv):
    """The replica's packages before the wheel came (recorded by `build_replica`)."""
    return json.loads((venv / "kernel-stack.json").read_text())


def run_unit_tests(replica, work):
    """The whole unit suite on Colab's Python with the library at Colab's versions; its exit
    code."""
    _, python, _ = colab_pins()
    venv = work / "unit-venv"
    if not venv.exists():
        make_venv(find_python(python), venv)
        install_checkout(venv, work / "library-pins.txt", library_pins(replica))
    return subprocess.run(
        [venv / "bin" / "python", "-m", "pytest", "-q", "--no-header", "-p", "no:cacheprovider"],
        cwd=REPO_ROOT,
        env=venv_env(venv),
    ).returncode


def install_checkout(venv, constraints, pins):
    """Install this checkout with its `test` extra into `venv`, every package in `pins`
    ({name: version}, written to the file `constraints`) held at that version."""
    constraints.write_text("".join(f"{n}=={v}\n" for n, v in sorted(pins.items())))
    run(
        [
            venv / "bin" / "pip",
            "install",
            "-q",
            "--no-compile",
            "-c",
            constraints,
            "-e",
            f"{REPO_ROOT}[test]",
        ],
        env=venv_env(venv),
    )


def register_kernel(venv, work):
    """A kernelspec named `KERNEL` that starts the venv's Python; returns its JUPYTER_PATH folder.

    nbval starts it (``--nbval-kernel-name``), so the notebooks run on the wheel's `course`.
    """
    folder = work / "jupyter" / "kernels" / KERNEL
    folder.mkdir(parents=True, exist_ok=True)
    env = venv_env(venv)
    (folder / "kernel.json").write_text(
        json.dumps(
            {
                "argv": [
                    str(venv / "bin" / "python"),
                    "-m",
                    "ipykernel_launcher",
                    "-f",
                    "{connection_file}",
                ],
                "display_name": "Python (Colab replica)",
                "language": "python",
                # ipykernel 6.17's debugger warns about frozen modules on Python 3.13 at every start
                "env": {
                    "PATH": env["PATH"],
                    "VIRTUAL_ENV": env["VIRTUAL_ENV"],
                    "PYDEVD_DISABLE_FILE_VALIDATION": "1",
                },
            }
        )
    )
    return work / "jupyter"


def checker_env(jupyter_path):
    """The environment of the nbval run: this Python's, without PYTHONPATH (the kernel inherits it
    and must not see the checkout), with the replica's kernel on JUPYTER_PATH."""
    env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "COURSE_FAST"}}
    env["JUPYTER_PATH"] = str(jupyter_path)
    return env


def check_kernel_is_the_replicas(venv, env, folder):
    """The kernel nbval starts must be the venv's Python with the wheel's `course`."""
    probe = folder / "probe.ipynb"
    probe.write_text(
        '{"cells": [{"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": null,'
        ' "source": "import course, sys\\nprint(sys.prefix, course.__file__)"}],'
        ' "metadata": {}, "nbformat": 4, "nbformat_minor": 5}'
    )
    code = (
        "import nbformat, nbclient, sys; nb = nbformat.read(sys.argv[1], 4); "
        f"nbclient.NotebookClient(nb, kernel_name={KERNEL!r}).execute(); "
        "print(nb.cells[0].outputs[0].text)"
    )
    prefix, course_file = run([sys.executable, "-c", code, probe], cwd=folder, env=env).split()
    if Path(prefix).resolve() != venv.resolve() or REPO_ROOT.as_posix() in course_file:
        raise SystemExit(
            f"the notebook kernel is not the replica's: prefix {prefix}, course at {course_file}"
        )


def first_error(failure):
    """The line of an nbval failure that names the error (``ValueError: ...``), else its first
    line."""
    text = failure.get("message", "") + "\n" + (failure.text or "")
    text = re.sub(r"(#x1B|\x1b)\[[0-9;]*m", "", text)  # nbval colours its report; JUnit escapes ESC
    lines = [line.strip() for line in text.splitlines()]
    named = [
        line for line in lines if re.match(r"^[A-Za-z_][\w.]*(Error|Exception|Interrupt)\b", line)
    ]
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


def check_session_notebooks(venv, work, jobs, only=None):
    """Every session notebook alone in an empty folder, run under nbval on the replica's kernel (its
    checked outputs compared, as the test suite would); returns the failures.

    One pytest run over all copies, `jobs` notebooks at a time; the repository's conftest.py (fast
    mode, nbval settings) sits in the parent folder of the copies, never beside a notebook.
    """
    env = checker_env(register_kernel(venv, work))
    check_kernel_is_the_replicas(venv, env, work)
    copies = {}
    for path in session_notebooks(only):
        folder = Path(tempfile.mkdtemp(prefix=f"{path.stem}-", dir=work))
        copies[path] = shutil.copy(path, folder / path.name)
    shutil.copy(REPO_ROOT / "conftest.py", work / "conftest.py")
    (work / "pytest.ini").write_text(
        "[pytest]\naddopts = -p no:cacheprovider -p no:randomly -p no:benchmark --nbval-lax "
        f"--nbval-kernel-name {KERNEL} --nbval-cell-timeout={CELL_TIMEOUT} --dist loadfile\n"
    )
    junit = work / "nbval.xml"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-c",
            str(work / "pytest.ini"),
            "--rootdir",
            str(work),
            "-q",
            "--no-header",
            "-n",
            str(jobs),
            f"--junitxml={junit}",
            *map(str, copies.values()),
        ],
        cwd=work,
        env=env,
    )
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


def stub_failures(nb):
    """The cells of an executed released notebook that raised what no unanswered stub may raise:
    an untagged cell, or an error outside `STUB_ERRORS`; each as ``(first line, error)``."""
    from course.homework.release import RAISES_TAG

    bad = []
    for cell in nb.cells:
        errors = [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]
        for error in errors:
            if RAISES_TAG not in cell.metadata.get("tags", []) or error["ename"] not in STUB_ERRORS:
                bad.append(
                    (
                        cell.source.splitlines()[0][:60] if cell.source else "",
                        f"{error['ename']}: {error['evalue'][:150]}",
                    )
                )
    return bad


def run_released_homework(path, work, env):
    """Execute one released homework notebook alone in an empty folder on the replica's kernel
    (every cell, as a student pressing Run all with nothing answered); ``(seconds, problem or
    None)``."""
    import nbclient
    import nbformat

    folder = Path(tempfile.mkdtemp(prefix=f"{path.stem}-", dir=work))
    copy = Path(shutil.copy(path, folder / path.name))
    nb = nbformat.read(copy, as_version=4)
    start = time.perf_counter()
    try:
        client = nbclient.NotebookClient(
            nb,
            kernel_name=KERNEL,
            timeout=CELL_TIMEOUT,
            allow_errors=True,
            resources={"metadata": {"path": str(folder)}},
        )
        client.execute(env=env)
        bad = stub_failures(nb)
        problem = None if not bad else "; ".join(f"[{first}] {error}" for first, error in bad[:3])
    except Exception as err:  # a dead kernel or a timeout: report it, check the next notebook
        problem = f"{type(err).__name__}: {(str(err).strip().splitlines() or [''])[-1][:200]}"
    return time.perf_counter() - start, problem


def check_released_homework(venv, work, jobs):
    """Every released homework notebook end to end on the replica's kernel, `jobs` at a time;
    returns the names that failed."""
    from concurrent.futures import ThreadPoolExecutor

    env = {
        **checker_env(register_kernel(venv, work)),
        "COURSE_FAST": "1",
    }  # fast mode, as under nbval
    os.environ["JUPYTER_PATH"] = env["JUPYTER_PATH"]  # nbclient finds kernelspecs through it
    paths = sorted((REPO_ROOT / "notebooks" / "homework").glob("*.ipynb"))
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        verdicts = list(pool.map(lambda p: run_released_homework(p, work, env), paths))
    failures = []
    for path, (seconds, problem) in zip(paths, verdicts):
        status = "ok" if problem is None else "FAIL"
        print(
            f"{status:<5} {'homework/' + path.stem:<45} {seconds:6.1f} s  {problem or ''}".rstrip(),
            flush=True,
        )
        if problem:
            failures.append(path.stem)
    return failures, len(paths)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--notebooks",
        nargs="+",
        default=None,
        help="check only these session notebooks (stems, e.g. 05_diffusion); default: all",
    )
    parser.add_argument(
        "--no-homework", action="store_true", help="skip the released homework notebooks"
    )
    parser.add_argument(
        "--unit-tests",
        action="store_true",
        help="also run the whole unit suite with the library at Colab's versions",
    )
    parser.add_argument("--jobs", type=int, default=2, help="notebooks executed at once")
    parser.add_argument(
        "--keep",
        help="work in this folder and keep it (default: a temporary one); a rerun "
        "with the same folder reuses its replica and only refreshes the wheel",
    )
    parser.add_argument(
        "--install-only",
        action="store_true",
        help="build the wheel and the replica in --keep DIR, then stop (CI installs while the "
        "test suite runs, and checks afterwards with the same --keep DIR)",
    )
    args = parser.parse_args(argv)
    if args.jobs < 1:
        parser.error(f"--jobs must be at least 1, got {args.jobs}")
    if args.install_only and not args.keep:
        parser.error("--install-only needs --keep DIR (the folder the later check reuses)")
    work = Path(args.keep or tempfile.mkdtemp(prefix="colab-replica-")).resolve()
    work.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    _, python, date = colab_pins()
    try:
        wheel = build_wheel(work)
        print(
            f"wheel {wheel.name}: {wheel.stat().st_size / 1e6:.2f} MB; Colab as published on "
            f"{date}",
            flush=True,
        )
        venv = work / "venv"
        if venv.exists():  # --keep DIR from an earlier run: refresh the wheel only (a quick rerun)
            run(
                [
                    venv / "bin" / "pip",
                    "install",
                    "-q",
                    "--no-compile",
                    "--no-deps",
                    "--force-reinstall",
                    str(wheel),
                ],
                env=venv_env(venv),
            )
        else:
            build_replica(work, wheel)
        versions = installed_versions(venv)
        shown = ("tensorflow", "keras", "numpy", "scipy", "ipykernel", "jupyter-client")
        print(
            f"replica: Python {python}, "
            + ", ".join(f"{n} {versions.get(n)}" for n in shown)
            + f" ({time.perf_counter() - start:.0f} s so far)",
            flush=True,
        )
        if args.install_only:
            return 0
        artifacts_ok = check_artifacts(venv, work)
        failures = check_session_notebooks(venv, work, args.jobs, args.notebooks)
        homework_failures, homework_total = (
            ([], 0) if args.no_homework else check_released_homework(venv, work, args.jobs)
        )
        units_ok = not args.unit_tests or run_unit_tests(venv, work) == 0
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    total = len(session_notebooks(args.notebooks))
    print(
        f"Colab replica: artifacts {'ok' if artifacts_ok else 'FAILED'}, "
        f"{total - len(failures)}/{total} session notebooks ok under nbval, "
        f"{homework_total - len(homework_failures)}/{homework_total} released homework notebooks ok"
        + (f", unit tests {'ok' if units_ok else 'FAILED'}" if args.unit_tests else "")
        + f" ({time.perf_counter() - start:.0f} s)"
    )
    return 0 if artifacts_ok and not failures and not homework_failures and units_ok else 1


if __name__ == "__main__":
    sys.exit(main())
