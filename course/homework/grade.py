"""Grade a homework notebook: run it, then score each check cell by its printed "<id>: OK"."""
from dataclasses import dataclass
from pathlib import Path

import nbformat

from course.homework.release import CHECK_CALL


@dataclass(frozen=True)
class Result:
    """The outcome of one question: passed or not, and the first line of the failure."""

    qid: str
    passed: bool
    detail: str


def score_executed(nb):
    """Score an executed notebook: one `Result` per check call, in order."""
    results = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        for qid in CHECK_CALL.findall(cell.source):
            printed = "".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream")
            errors = [o for o in cell.outputs if o.output_type == "error"]
            passed = f"{qid}: OK" in printed and not errors
            detail = "" if passed else (f"{errors[0].ename}: {errors[0].evalue}".splitlines()[0]
                                        if errors else "check did not run")
            results.append(Result(qid, passed, detail))
    return results


def grade(path, timeout=600):
    """Execute a notebook in a fresh kernel (errors allowed) and return its `Result`s."""
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    NotebookClient(nb, timeout=timeout, kernel_name="python3", allow_errors=True,
                   resources={"metadata": {"path": str(Path(path).parent)}}).execute()
    return score_executed(nb)


def report(results):
    """A score table as text."""
    width = max([len(r.qid) for r in results] + [8])
    lines = [f"{'question':<{width}}  result  detail"]
    lines += [f"{r.qid:<{width}}  {'OK' if r.passed else 'FAIL':<6}  {r.detail}" for r in results]
    passed = sum(r.passed for r in results)
    lines.append(f"score: {passed}/{len(results)}")
    return "\n".join(lines)
