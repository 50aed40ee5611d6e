"""`import course` against `import tensorflow`, each timed inside a fresh interpreter, in one run.

`import course` must stay cheap (it only sets environment defaults; TensorFlow loads lazily).
Usage: python benchmarks/import_time.py [repeats]
"""

import statistics
import subprocess
import sys

TIMER = "import time; t = time.perf_counter(); import {m}; print(time.perf_counter() - t)"


def import_seconds(module, repeats):
    """Median seconds of `import module` in `repeats` fresh interpreters."""
    runs = [
        float(
            subprocess.run(
                [sys.executable, "-c", TIMER.format(m=module)],
                check=True,
                capture_output=True,
                text=True,
            ).stdout
        )
        for _ in range(repeats)
    ]
    return statistics.median(runs)


if __name__ == "__main__":
    repeats = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    course_s, tf_s = import_seconds("course", repeats), import_seconds("tensorflow", repeats)
    print(f"import course              {course_s * 1000:8.2f} ms")
    print(f"import tensorflow          {tf_s * 1000:8.2f} ms")
    print(f"ratio course / tensorflow  {course_s / tf_s:.5f}")
