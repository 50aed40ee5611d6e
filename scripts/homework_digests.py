"""Print the digests of the hashed homework answers, computed from the instructor solutions.

Run after changing a hashed question; paste the printed digests into course/homework/*.py.
The solutions are executed from instructor/homework/*.ipynb, so no solution is duplicated here.
"""
import nbformat

from course.homework import day2
from course.homework.hashing import digest
from course.homework.release import CHECK_CALL, SOURCE_DIR


def solution_namespace(path):
    """Run a source notebook's code cells (without the checks) and return its namespace."""
    namespace = {}
    for cell in nbformat.read(path, as_version=4).cells:
        if cell.cell_type == "code" and not CHECK_CALL.search(cell.source) and "course.setup" not in cell.source:
            exec(cell.source, namespace)
    return namespace


if __name__ == "__main__":
    d2 = solution_namespace(SOURCE_DIR / "day2_homework.ipynb")
    print("day2.tta_average   ", digest(d2["tta_average"](day2._tta_model, day2._TTA_X, list(day2._TTA_TRANSFORMS))))
    print("day2.hard_vote     ", digest(d2["hard_vote"](day2._VOTES)))
    print("day2.soft_vote     ", digest(d2["soft_vote"](day2._VOTES)))
    s7 = solution_namespace(SOURCE_DIR / "session7_homework.ipynb")
    for key, value in s7["dropout_numericals"]().items():
        print(f"s7.dropout_numericals {key:<20}", digest(value))
