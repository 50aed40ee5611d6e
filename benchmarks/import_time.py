"""`import course` against `import tensorflow`, each in a fresh interpreter, in one run.

`import course` must stay cheap (it only sets environment defaults; TensorFlow loads lazily).
Usage: python benchmarks/import_time.py [repeats]
"""
import statistics
import subprocess
import sys
import time


def import_seconds(module, repeats):
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", f"import {module}"], check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


if __name__ == "__main__":
    repeats = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    baseline = import_seconds("sys", repeats)
    course_s = import_seconds("course", repeats) - baseline
    tf_s = import_seconds("tensorflow", repeats) - baseline
    print(f"interpreter start-up       {baseline:.3f} s (subtracted)")
    print(f"import course              {course_s:.3f} s")
    print(f"import tensorflow          {tf_s:.3f} s")
    print(f"ratio course / tensorflow  {course_s / tf_s:.4f}")
