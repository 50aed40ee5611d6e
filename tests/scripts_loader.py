"""Import helper for tests: the maintainer scripts live outside the package."""
import runpy

from course.notebooks import REPO_ROOT

_digests = runpy.run_path(str(REPO_ROOT / "scripts" / "homework_digests.py"))
solution_namespace = _digests["solution_namespace"]
