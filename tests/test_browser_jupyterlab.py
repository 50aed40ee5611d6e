"""JupyterLab in a real browser: open a session notebook, Run All through the UI, read the page.

Starts ``jupyter lab`` on 127.0.0.1 with a token in a temporary copy of the notebooks, drives
the system's headless Chromium with Playwright (``executable_path``: no browser download), runs
every cell of session02/05 from the Run menu, waits for the kernel to go idle, and checks what
a student would see: no error output, and the BatchNorm worked example printing its expected
text. A screenshot goes to ``build/``. Skipped, with the reason, only where Chromium is missing
(`.ci/run` installs it).
"""

import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request

import nbformat
import pytest

from course.notebooks import NOTEBOOK_DIR, REPO_ROOT

NOTEBOOK = "session02/05_dropout_and_batchnorm.ipynb"
WORKED_EXAMPLE = "BatchNorm x_hat"  # printed by the BatchNorm worked-example cell
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
SCREENSHOT = REPO_ROOT / "build" / "jupyterlab_05_dropout_and_batchnorm.png"
# Flags for a root, offline, headless run (no sandbox for root; no calls to Google's services).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# In CI a missing browser is a failure (.ci/run installs it); elsewhere the test says what to
# install.
pytestmark = pytest.mark.skipif(
    CHROMIUM is None and not os.environ.get("CI"),
    reason="no system Chromium: apt-get install -y chromium (.ci/run does)",
)


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _expected_worked_example():
    """The stored output of the worked-example cell: what the page must show after the run."""
    nb = nbformat.read(NOTEBOOK_DIR / NOTEBOOK, as_version=4)
    cell = next(c for c in nb.cells if c.cell_type == "code" and WORKED_EXAMPLE in c.source)
    return "".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream")


def _wait_for_saved_run(path, n_cells, timeout=60):
    """The notebook as JupyterLab saved it, once every code cell carries an execution count."""
    deadline = time.monotonic() + timeout
    while True:
        nb = nbformat.read(path, as_version=4)
        counts = [c.execution_count for c in nb.cells if c.cell_type == "code"]
        if len(counts) == n_cells and all(counts) or time.monotonic() > deadline:
            return nb
        time.sleep(1)


def _squash(text):
    return re.sub(r"\s+", " ", text).strip()


@pytest.fixture
def jupyter_lab(tmp_path):
    """A JupyterLab server over a copy of the notebooks; yields (base URL, token, root)."""
    root = tmp_path / "notebooks"
    shutil.copytree(NOTEBOOK_DIR, root)
    copy = nbformat.read(root / NOTEBOOK, as_version=4)
    for cell in copy.cells:  # the page can then show only what this run printed
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    nbformat.write(copy, root / NOTEBOOK)
    settings = tmp_path / "lab-settings" / "@jupyterlab" / "notebook-extension"
    settings.mkdir(parents=True)
    # Render every cell (no windowing), so the whole notebook can be read from the page.
    (settings / "tracker.jupyterlab-settings").write_text(json.dumps({"windowingMode": "none"}))
    token, port = secrets.token_hex(16), _free_port()
    env = {
        **os.environ,
        "COURSE_FAST": "1",
        "JUPYTERLAB_SETTINGS_DIR": str(tmp_path / "lab-settings"),
        "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime"),
    }
    log = open(tmp_path / "jupyter.log", "w")
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "jupyterlab",
            "--no-browser",
            "--allow-root",
            "--ip=127.0.0.1",
            f"--port={port}",
            f"--IdentityProvider.token={token}",
            f"--ServerApp.root_dir={root}",
            "--ServerApp.open_browser=False",
            "--LabApp.news_url=",
            "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        ],
        cwd=root,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2)
                break
            except OSError:
                if server.poll() is not None:
                    pytest.fail(
                        f"jupyter lab exited: {(tmp_path / 'jupyter.log').read_text()[-2000:]}"
                    )
                time.sleep(1)
        else:
            pytest.fail("jupyter lab did not answer within 120 s")
        yield base, token, root
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


def test_run_all_in_jupyterlab_shows_the_worked_example_and_no_error(jupyter_lab):
    from playwright.sync_api import sync_playwright

    assert CHROMIUM, "no system Chromium in CI: .ci/run installs Debian's chromium package"
    base, token, root = jupyter_lab
    expected = _expected_worked_example()
    assert expected.strip(), "the worked-example cell has no stored output to compare with"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        try:
            page.goto(f"{base}/lab/tree/{NOTEBOOK}?token={token}", timeout=120_000)
            # the notebook's kernel has started and waits (not "No Kernel")
            page.wait_for_function(
                """() => [...document.querySelectorAll('.jp-StatusBar-TextItem')]
                    .some(e => /\\| Idle/.test(e.textContent)
                        && !e.textContent.includes('No Kernel'))""",
                timeout=300_000,
                polling=500,
            )
            page.get_by_role("menuitem", name="Run", exact=True).click()
            page.get_by_role("menuitem", name="Run All Cells", exact=True).click()
            code_cells = page.locator(".jp-Notebook .jp-CodeCell")
            n_cells = sum(
                c.cell_type == "code" for c in nbformat.read(root / NOTEBOOK, as_version=4).cells
            )
            page.wait_for_function(  # every code cell has run, or one failed (Run All stops there)
                """n => {
                    const prompts = [
                        ...document.querySelectorAll('.jp-Notebook .jp-CodeCell .jp-InputPrompt')];
                    const done = prompts.filter(p => /\\[\\d+\\]/.test(p.textContent)).length;
                    const status = document.querySelector('.jp-Notebook-ExecutionIndicator')
                        ?.dataset.status;
                    const failed = [...document.querySelectorAll('.jp-OutputArea-output')]
                        .some(o => o.textContent.includes('Traceback'));
                    return status === 'idle' && (failed || (prompts.length === n && done === n));
                }""",
                arg=n_cells,
                timeout=600_000,
                polling=1000,
            )
            SCREENSHOT.parent.mkdir(exist_ok=True)
            page.screenshot(path=str(SCREENSHOT), full_page=False)
            assert code_cells.count() == n_cells
            outputs = page.locator(".jp-Notebook .jp-OutputArea-output").all_inner_texts()
            tracebacks = [o for o in outputs if "Traceback" in o]
            assert not tracebacks, tracebacks[0][:2000]
            assert _squash(expected) in _squash("\n".join(outputs))
            page.keyboard.press("Control+s")  # the saved file must agree with the page
            saved = _wait_for_saved_run(root / NOTEBOOK, n_cells)
            errors = [
                o
                for c in saved.cells
                if c.cell_type == "code"
                for o in c.outputs
                if o.output_type == "error"
            ]
            assert not errors, errors[0]
        finally:
            browser.close()
