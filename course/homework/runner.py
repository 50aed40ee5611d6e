"""The grading runner: executes one submission's job inside its sandbox and prints plain results.

`python -m course.homework.runner JOB.json` starts an IPython kernel (nbclient), runs the job's
cells in order, and after each answer runs the probe the grader asked for. It prints one JSON line
per step as soon as the step ends (status, the error's last lines, the probe's plain results), so
whatever happens later (a crash, a limit, a deleted folder) cannot take back an earlier answer.
Everything here runs with the student's code and is untrusted: the grader judges the lines.
"""

import json
import re
import subprocess
import sys

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellTimeoutError, DeadKernelError

from course.homework.kernel_probe import MIME

ANSI = re.compile(r"\x1b\[[0-9;]*m")
TAIL_LINES = 8


def _probe_source(step, index, job_path):
    """The cell that probes the answer named in `step` on the inputs of step `index`."""
    return (
        f"__import__('course.homework.kernel_probe', fromlist=['run']).run("
        f"{step['qid']!r}, {step['name']}, {index}, {job_path!r})"
    )


def _error(outputs):
    """(one line, last traceback lines) of the last error output, or None."""
    errors = [o for o in outputs if o.get("output_type") == "error"]
    if not errors:
        return None
    error = errors[-1]
    trace = ANSI.sub("", "\n".join(error.get("traceback", []))).strip().splitlines()
    return " ".join(f"{error.get('ename')}: {error.get('evalue')}".split())[:500], "\n".join(
        trace[-TAIL_LINES:]
    )


def _probe_results(outputs):
    """The plain results the probe displayed (the last such output), or None."""
    found = [
        o["data"][MIME]
        for o in outputs
        if o.get("output_type") == "display_data" and MIME in o.get("data", {})
    ]
    return found[-1] if found else None


def _text(outputs, limit=2000):
    """The printed text of a cell (stdout and plain results; stderr is left out), trimmed."""
    parts = [
        o.get("text", "")
        for o in outputs
        if o.get("output_type") == "stream" and o.get("name") == "stdout"
    ]
    parts += [
        o.get("data", {}).get("text/plain", "")
        for o in outputs
        if o.get("output_type") in ("execute_result", "display_data")
    ]
    text = "".join(p if isinstance(p, str) else "".join(p) for p in parts)
    return text[-limit:]


def _emit(record):
    """Print one result line at once (the grader reads them as they come)."""
    sys.stdout.write(json.dumps(record) + "\n")
    sys.stdout.flush()


def _run_step(client, cell, index):
    """Execute one cell; (status, error line, traceback tail)."""
    try:
        client.execute_cell(cell, index)
    except CellTimeoutError:
        return "timeout", None, None
    except DeadKernelError:
        return "dead", None, None
    error = _error(cell.outputs)
    if error is None:
        return "ok", None, None
    status = "timeout" if error[0].startswith("KeyboardInterrupt") else "error"
    return status, *error


def _kernel_exit(client):
    """The dead kernel's exit code (negative: the signal that killed it), when known."""
    process = getattr(getattr(client.km, "provisioner", None), "process", None)
    return process.poll() if process is not None else None


def main(argv=None):
    """Run the job file named on the command line; print one JSON line per step."""
    job_path = (argv or sys.argv[1:])[0]
    with open(job_path) as f:
        job = json.load(f)
    steps = job["steps"]
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell(_probe_source(s, i, job_path) if "qid" in s else s["source"])
        for i, s in enumerate(steps)
    ]
    client = NotebookClient(
        nb,
        timeout=job["timeout"],
        kernel_name="python3",
        allow_errors=True,
        interrupt_on_timeout=True,
        record_timing=False,
        extra_arguments=["--IPKernelApp.log_level=ERROR"],
    )
    dead, exit_code = False, None
    with client.setup_kernel(stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL):
        for index, (step, cell) in enumerate(zip(steps, nb.cells)):
            record = {"step": index, "gid": step.get("gid")}
            if dead:
                _emit({**record, "status": "skipped", "exit": exit_code})
                continue
            status, error, tail = _run_step(client, cell, index)
            record.update(status=status, error=error, tail=tail, text=_text(cell.outputs))
            if status == "dead":
                dead, exit_code = True, _kernel_exit(client)
                record["exit"] = exit_code
            if "qid" in step:
                record["results"] = _probe_results(cell.outputs)
            _emit(record)


if __name__ == "__main__":
    main()
