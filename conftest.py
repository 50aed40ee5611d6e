"""Root pytest hooks: fast mode for every test and notebook, and nbval adjustments.

stderr differs between runs (TensorFlow's C++ start-up lines) so it is never compared, and the
5 s wait for a cell's output is raised because TensorFlow kernels can be slow to report.
"""

import os

os.environ["COURSE_FAST"] = "1"
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
os.environ.setdefault("MPLBACKEND", "Agg")

NBVAL_OUTPUT_TIMEOUT = 120


def pytest_collection_modifyitems(session, config, items):
    for item in items:
        parent = getattr(item, "parent", None)
        if type(item).__name__ == "IPyNbCell":
            item.output_timeout = NBVAL_OUTPUT_TIMEOUT
            if "stderr" not in parent.skip_compare:
                parent.skip_compare = parent.skip_compare + ("stderr",)
