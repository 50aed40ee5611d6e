"""The README is the contract: its Quick start is what CI runs, its session map is current."""

import re
import runpy

from course.notebooks import REPO_ROOT

README = (REPO_ROOT / "README.md").read_text()
CI = (REPO_ROOT / ".ci" / "run").read_text()


def _quick_start_commands():
    block = README.split("## Quick start", 1)[1].split("```", 2)[1]
    return [line for line in block.splitlines()[1:] if line.strip() and not line.startswith("#")]


def test_quick_start_has_exactly_two_commands():
    commands = _quick_start_commands()
    assert len(commands) == 2
    assert "course run" in commands[0] and "pytest" in commands[1]


def test_ci_installs_and_tests_the_way_the_readme_says():
    install, test = _quick_start_commands()[1].split("&&")
    extras = re.search(r'"?\.(\[[\w,-]+\])"?', install).group(1)
    assert f'-e ".{extras}"' in CI
    assert test.strip() in CI


def test_session_map_is_current():
    update = runpy.run_path(str(REPO_ROOT / "scripts" / "update_readme.py"))
    assert update["updated"](README) == README, "run: python scripts/update_readme.py"


ARCHITECTURE = REPO_ROOT / "docs" / "ARCHITECTURE.md"
_PATH_SUFFIXES = (".py", ".md", ".toml", ".txt", ".ipynb", ".json", ".h5", ".csv", ".tsv")


def _named_paths(text):
    """Every repository path named inside backticks: a word with a slash or a file suffix."""
    paths = set()
    for span in re.findall(r"`([^`\n]+)`", text):
        for word in span.split():
            word = word.strip("\"'(),;:")
            if word.startswith(("-", ".", "/", "<", "@", "http")) or any(
                c in word for c in "*{}<>=$"
            ):
                continue
            if "/" in word or word.endswith(_PATH_SUFFIXES):
                paths.add(word.rstrip("/"))
    return paths


def test_named_paths_sees_paths_in_commands_and_skips_other_code():
    text = (
        "run `python scripts/x.py --out a.json`, see `course/`, `keras.Model(x)`, `.h5`, `--flag`"
    )
    assert _named_paths(text) == {"scripts/x.py", "a.json", "course"}


def test_architecture_doc_names_only_paths_that_exist():
    paths = _named_paths(ARCHITECTURE.read_text())
    assert len(paths) > 30, sorted(paths)
    missing = sorted(p for p in paths if not (REPO_ROOT / p).exists())
    assert not missing, f"docs/ARCHITECTURE.md names paths that do not exist: {missing}"


def test_contributing_points_to_the_architecture_doc():
    contributing = (REPO_ROOT / "CONTRIBUTING.md").read_text()
    assert "](docs/ARCHITECTURE.md)" in contributing
    assert "shared/DESIGN.md" not in contributing
