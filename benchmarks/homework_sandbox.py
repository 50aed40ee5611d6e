"""Sandboxed homework grading: a 20-submission batch, and the sandbox's overhead per submission.

Batch: 20 hw4_nn submissions (10 solved, 10 untouched) graded with bubblewrap and without
(`--unsafe-no-sandbox`), wall and CPU time each (CPU of every process, sandboxed ones included,
read from a cpuacct cgroup when this runs as root on cgroup v1; else the grader's own children).
Overhead: one near-empty job (a cell and a probe) run by `sandbox.run` in bwrap and bare, rounds
interleaved, the median of each kept; the difference is what the sandbox adds to a submission.
Run: python benchmarks/homework_sandbox.py [--rounds 7]  (about 3-4 minutes on 2 cores)
"""

import argparse
import json
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

import nbformat

from course.homework import plain, sandbox
from course.homework.grade import grade
from course.homework.release import SOURCE_DIR, STUDENT_DIR

ASSIGNMENT = "hw4_nn"
CGROUP = Path("/sys/fs/cgroup/cpuacct")


def submissions(root, n=20):
    """n submission folders: even ones solved from the source, odd ones the untouched release."""
    source = nbformat.read(SOURCE_DIR / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", as_version=4)
    answers = {
        c.metadata.nbgrader.grade_id: c.source
        for c in source.cells
        if c.metadata.get("nbgrader", {}).get("solution")
    }
    for i in range(n):
        nb = nbformat.read(STUDENT_DIR / f"{ASSIGNMENT}.ipynb", as_version=4)
        for cell in nb.cells:
            gid = cell.metadata.get("nbgrader", {}).get("grade_id")
            if i % 2 == 0 and gid in answers:
                cell.source = answers[gid]
        (root / f"s{i:02d}").mkdir(parents=True)
        nbformat.write(nb, root / f"s{i:02d}" / f"{ASSIGNMENT}.ipynb")


class CpuMeter:
    """CPU seconds used by this process and all its descendants (a cpuacct cgroup if we may make
    one)."""

    def __enter__(self):
        self.group = CGROUP / f"course-bench-{os.getpid()}"
        try:
            self.group.mkdir()
            (self.group / "cgroup.procs").write_text(str(os.getpid()))
        except OSError:
            self.group = None
        self.start = self._read()
        return self

    def _read(self):
        if self.group is not None:
            return int((self.group / "cpuacct.usage").read_text()) / 1e9
        usage = [
            resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
        ]
        return sum(u.ru_utime + u.ru_stime for u in usage)

    def __exit__(self, *exc):
        self.seconds = self._read() - self.start
        if self.group is not None:
            (CGROUP / "cgroup.procs").write_text(str(os.getpid()))
            self.group.rmdir()


def batch(root, unsafe):
    start = time.perf_counter()
    with CpuMeter() as cpu:
        results = grade(
            ASSIGNMENT,
            root / "subs",
            root / f"grades-{unsafe}.csv",
            root / f"feedback-{unsafe}",
            progress=False,
            unsafe=unsafe,
        )
    wall = time.perf_counter() - start
    totals = sorted({r.total for r in results})
    print(
        f"{'no sandbox' if unsafe else 'bubblewrap':<11} {len(results)} submissions: wall "
        f"{wall:6.1f} s "
        f"({wall / len(results):.2f} s each), CPU {cpu.seconds:6.1f} s, totals {totals}",
        flush=True,
    )
    return wall / len(results)


def one_job(root, sandboxed):
    """Wall seconds of sandbox.run on a job with one cell and one probe."""
    job_dir = sandbox.prepare(root, {})
    steps = [
        {"gid": None, "source": "def he_std(fan_in):\n    return (2 / fan_in) ** 0.5"},
        {"gid": "g", "qid": "nn.he_std", "name": "he_std", "args": plain.to_plain([[10]])},
    ]
    (job_dir / "job.json").write_text(json.dumps({"timeout": 60, "steps": steps}))
    start = time.perf_counter()
    outcome = sandbox.run(job_dir, sandbox.Limits(), sandboxed=sandboxed)
    seconds = time.perf_counter() - start
    assert len(outcome.lines) == 2 and '"ok"' in outcome.lines[-1], outcome
    return seconds


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        submissions(root / "subs")
        sandboxed, bare = batch(root, False), batch(root, True)
        print(f"batch per submission: bubblewrap / no sandbox = {sandboxed / bare:.2f}x")
        times = {True: [], False: []}
        for _ in range(args.rounds):
            for flag in (True, False):
                times[flag].append(one_job(root, flag))
        with_bwrap, without = statistics.median(times[True]), statistics.median(times[False])
        print(
            f"near-empty job (median of {args.rounds}): bubblewrap {with_bwrap:.2f} s, no sandbox "
            f"{without:.2f} s, sandbox overhead {with_bwrap - without:+.2f} s per submission"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
