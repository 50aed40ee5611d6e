"""Session notebooks: discovery, the standard first cells, and headless execution.

Notebooks live in ``notebooks/<session>/<NN_topic>.ipynb`` and are the source students open.
`build` writes a notebook with the Colab badge, the standard setup cell and GPU metadata;
`execute` runs one top to bottom with nbclient (for ``course run`` and for regenerating the
stored outputs, which must come from a clean run so execution counts are 1..N).
"""

import difflib
import json
import os
import re
import time
from dataclasses import dataclass
from pathlib import Path
from unittest import mock

import nbformat

# A clone's root: only for repository tasks (notebook discovery, regenerating outputs, the
# README). Library code never reads data through it: shipped files come from `course.artifacts`.
REPO_ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK_DIR = REPO_ROOT / "notebooks"
SESSIONS = ("session02", "session07")
KERNEL_NAME = "python3"


def repository_url():
    """The repository URL from ``[project.urls] Repository`` in pyproject.toml (its one home)."""
    pyproject = REPO_ROOT / "pyproject.toml"
    if pyproject.exists():
        match = re.search(r'^Repository\s*=\s*"([^"]+)"', pyproject.read_text(), re.M)
        if match:
            return match.group(1)
    from importlib.metadata import metadata

    for entry in metadata("course").get_all("Project-URL") or []:
        label, _, url = entry.partition(",")
        if label.strip() == "Repository":
            return url.strip()
    raise RuntimeError("no Repository URL in pyproject.toml [project.urls]")


def colab_url(relative_path):
    """The 'Open in Colab' address of a notebook given its path relative to the repository."""
    github = repository_url().removeprefix("https://github.com/")
    return f"https://colab.research.google.com/github/{github}/blob/main/{relative_path}"


def badge_markdown(relative_path):
    """Markdown for the Colab badge of one notebook."""
    return (
        f"[![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)]"
        f"({colab_url(relative_path)})"
    )


def setup_cell_source():
    """The standard first code cell: guarded Colab install, then `course.setup()`."""
    return (
        "# Standard setup. On Colab, install `course` first if it is missing (no-op elsewhere).\n"
        "import importlib.util, subprocess, sys\n"
        'if "google.colab" in sys.modules and importlib.util.find_spec("course") is None:\n'
        f'    subprocess.check_call([sys.executable, "-m", "pip", "install", "-q", '
        f'"course @ git+{repository_url()}"])\n'
        "import course\n"
        "course.setup(seed=0);"
    )


@dataclass(frozen=True)
class NotebookInfo:
    """One session notebook: its short name (``session02/05_dropout_and_batchnorm``) and topics."""

    name: str
    path: Path
    title: str
    topics: tuple

    @property
    def relative_path(self):
        return self.path.relative_to(REPO_ROOT).as_posix()


def _info(path):
    nb = json.loads(path.read_text())
    meta = nb.get("metadata", {}).get("course", {})
    name = f"{path.parent.name}/{path.stem}"
    return NotebookInfo(name, path, meta.get("title", path.stem), tuple(meta.get("topics", ())))


def discover(root=NOTEBOOK_DIR):
    """All session notebooks, sorted by session and number."""
    paths = sorted(p for s in SESSIONS for p in (Path(root) / s).glob("*.ipynb"))
    return [_info(p) for p in paths]


def resolve(names, root=NOTEBOOK_DIR):
    """Map names (``05_dropout_and_batchnorm`` or ``session02/05...``) to notebooks, or raise."""
    available = discover(root)
    chosen, unknown = [], []
    for name in names:
        key = name.removesuffix(".ipynb")
        hits = [nb for nb in available if key in (nb.name, nb.path.stem)]
        (chosen.extend(hits) if hits else unknown.append(name))
    if unknown:
        valid = "\n  ".join(nb.name for nb in available)
        close = difflib.get_close_matches(unknown[0], [nb.path.stem for nb in available], n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise ValueError(
            f"names: unknown notebook(s) {', '.join(map(repr, unknown))}{hint}\n"
            f"valid names:\n  {valid}"
        )
    return chosen


def md(source):
    """A markdown cell for `build`."""
    return nbformat.v4.new_markdown_cell(source.strip("\n"))


def code(source, check_output=False):
    """A code cell for `build`; ``check_output=True`` makes nbval compare its printed output."""
    source = source.strip("\n")
    if check_output:
        source = "# NBVAL_CHECK_OUTPUT\n" + source
    return nbformat.v4.new_code_cell(source)


def build(relative_path, title, topics, cells):
    """Write a notebook: title + Colab badge, the setup cell, then `cells` (from `md`/`code`).

    `relative_path` is relative to the repository root (``notebooks/session02/05_x.ipynb``);
    `topics` name the sections of the notes it covers (shown by ``course list``).
    """
    nb = nbformat.v4.new_notebook()
    nb.metadata.update(
        {
            "kernelspec": {"name": KERNEL_NAME, "display_name": "Python 3", "language": "python"},
            "language_info": {"name": "python"},
            "accelerator": "GPU",
            "colab": {"provenance": [], "gpuType": "T4"},
            "course": {"title": title, "topics": list(topics)},
        }
    )
    header = md(f"# {title}\n\n{badge_markdown(relative_path)}\n\nCovers: " + "; ".join(topics))
    nb.cells = [header, code(setup_cell_source()), *cells]
    path = REPO_ROOT / relative_path
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)
    return path


def first_code_cell(nb):
    """Source of the first code cell of a loaded notebook."""
    return next(c.source for c in nb.cells if c.cell_type == "code")


def require_kernel():
    """Raise `RuntimeError` with the install line where no Jupyter kernel is installed: a base
    install has none (Colab and JupyterLab bring their own), and `execute` needs one."""
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    try:
        KernelSpecManager().get_kernel_spec(KERNEL_NAME)
    except NoSuchKernel:
        raise RuntimeError(
            f"no Jupyter kernel named {KERNEL_NAME!r} is installed, and notebooks run in one: "
            "pip install 'course[notebooks]' (or just ipykernel)"
        ) from None


def execute(path, output_path, timeout=900, progress=None, env=None, outputs_mode=None):
    """Run a notebook top to bottom in a fresh kernel and write the executed copy.

    With `outputs_mode` ("fast" or "full") the copy records, in ``metadata.course``, the mode and
    library version its outputs come from (``outputs_mode``, ``outputs_version``).

    Returns the wall time in seconds. Raises `nbclient.exceptions.CellExecutionError` on a
    failing cell (the partial copy is still written, for debugging). Writes atomically, so an
    interrupted run never truncates an existing file.
    """
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:  # a clean run: no stale outputs or counts
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name=KERNEL_NAME,
        resources={"metadata": {"path": str(Path(path).parent)}},
    )
    if progress is not None:
        client.on_cell_executed = lambda cell, cell_index, execute_reply: progress(cell_index)
    start = time.perf_counter()
    try:
        with mock.patch.dict(os.environ, env or {}):
            client.execute()
        if outputs_mode is not None:
            from course import __version__

            nb.metadata.setdefault("course", {}).update(
                outputs_mode=outputs_mode, outputs_version=__version__
            )
    finally:
        _atomic_write(nb, Path(output_path))
    return time.perf_counter() - start


def _atomic_write(nb, path):
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    nbformat.write(nb, tmp)
    tmp.replace(path)


def code_cell_count(path):
    """Number of code cells (the progress bar's total)."""
    return sum(c.cell_type == "code" for c in nbformat.read(path, as_version=4).cells)


def modules_used(path):
    """The `course` submodules a notebook calls, read from its code (``course.layers``...)."""
    nb = nbformat.read(path, as_version=4)
    source = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    names = set(re.findall(r"\bcourse\.(\w+)", source))
    names |= {
        m
        for group in re.findall(r"from course import ([\w, ]+)", source)
        for m in (n.strip() for n in group.split(","))
    }
    return sorted(n for n in names if n not in {"setup", "notebooks"})


def session_map_markdown(root=NOTEBOOK_DIR):
    """The README's session map: notebook (with Colab badge) -> topics of the notes -> modules."""
    rows = ["| notebook | topics of the notes | library modules |", "|---|---|---|"]
    for nb in discover(root):
        badge = f"[![Colab](https://colab.research.google.com/assets/colab-badge.svg)]({colab_url(nb.relative_path)})"
        link = f"[{nb.name}]({nb.relative_path}) {badge}"
        modules = ", ".join(f"`course.{m}`" for m in modules_used(nb.path))
        rows.append(f"| {link} | {'; '.join(nb.topics)} | {modules} |")
    return "\n".join(rows)
