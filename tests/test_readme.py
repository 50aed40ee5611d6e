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
