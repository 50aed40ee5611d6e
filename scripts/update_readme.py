"""Rewrite the session map in README.md from the notebooks' metadata and code.

Run after adding or renaming a notebook; `tests/test_readme.py` fails while the map is stale.
"""

from pathlib import Path

from course.notebooks import REPO_ROOT, session_map_markdown

BEGIN, END = "<!-- session-map:begin -->", "<!-- session-map:end -->"


def updated(text):
    head, rest = text.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    return f"{head}{BEGIN}\n{session_map_markdown()}\n{END}{tail}"


if __name__ == "__main__":
    readme = Path(REPO_ROOT) / "README.md"
    readme.write_text(updated(readme.read_text()))
    print(f"updated {readme}")
