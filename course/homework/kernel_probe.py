"""The kernel side of sandboxed grading: probe one answer on the inputs the grader sent.

The sandbox runner executes `run(qid, answer, step)` in the submission's kernel after the answer's
cell; the plain results go back as a display output with a private MIME type, which the runner
forwards to the grader. The job file holds inputs only, never an expected value.
"""

import json
import traceback

from course.homework import plain
from course.homework.engine import QUESTIONS
from course.homework.probes import probe

MIME = "application/x-course-probe+json"
JOB = "/job/job.json"


def run(qid, answer, step, job=JOB):
    """Probe `answer` on the inputs of step `step` of the job; display the plain results."""
    from IPython.display import display

    with open(job) as f:
        args = plain.from_plain(json.load(f)["steps"][step]["args"])
    try:
        results = probe(QUESTIONS[qid], answer, args)
    except Exception:  # a probe that cannot even start: every case reports why
        results = [{"error": traceback.format_exc(limit=2)[-500:]} for _ in args]
    display({MIME: results}, raw=True)
