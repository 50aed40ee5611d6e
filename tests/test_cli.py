"""The `course` command: list, run (with a failing notebook), doctor, unknown names."""

import subprocess
import sys

import pytest

from course import cli, notebooks


def test_list_shows_sessions_and_topics(capsys):
    assert cli.main(["list"]) == 0
    out = capsys.readouterr().out
    assert "session02" in out and "05_dropout_and_batchnorm" in out


def test_unknown_notebook_exits_non_zero_and_lists_valid_names(capsys):
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["run", "no_such_notebook"])
    assert exit_info.value.code == 2
    assert "valid names" in capsys.readouterr().err


def test_run_needs_names_or_all():
    with pytest.raises(SystemExit):
        cli.main(["run"])


def test_doctor_reports_versions(capsys):
    assert cli.main(["doctor"]) == 0
    out = capsys.readouterr().out
    assert "tensorflow" in out and "keras" in out and "device:" in out and "fast mode" in out


def _tiny_notebook(path, body):
    nb = notebooks.nbformat.v4.new_notebook()
    nb.cells = [notebooks.nbformat.v4.new_code_cell(body)]
    nb.metadata["kernelspec"] = {
        "name": notebooks.KERNEL_NAME,
        "display_name": "Python 3",
        "language": "python",
    }
    notebooks.nbformat.write(nb, path)


def test_execute_writes_outputs_and_reports_failures(tmp_path):
    from nbclient.exceptions import CellExecutionError

    good, bad = tmp_path / "good.ipynb", tmp_path / "bad.ipynb"
    _tiny_notebook(good, "import os; print(os.environ['COURSE_FAST'])")
    _tiny_notebook(bad, "raise RuntimeError('boom')")
    out = tmp_path / "build" / "good.ipynb"
    notebooks.execute(good, out, env={"COURSE_FAST": "1"})
    executed = notebooks.nbformat.read(out, as_version=4)
    assert executed.cells[0].outputs[0].text.strip() == "1"
    assert executed.cells[0].execution_count == 1
    with pytest.raises(CellExecutionError, match="boom"):
        notebooks.execute(bad, tmp_path / "build" / "bad.ipynb")
    assert (tmp_path / "build" / "bad.ipynb").exists()  # partial copy kept for debugging


def test_a_notebook_kernel_draws_a_figure_inline(tmp_path):
    """matplotlib < 3.9 asked IPython for its backend table, which IPython 9.16 removed: every
    plot in a kernel failed with an ImportError (the floor check found it)."""
    path = tmp_path / "plot.ipynb"
    _tiny_notebook(path, "import matplotlib.pyplot as plt\nplt.plot([0, 1], [1, 0])\nplt.show()")
    notebooks.execute(path, tmp_path / "out.ipynb", env={"MPLBACKEND": ""})
    outputs = notebooks.nbformat.read(tmp_path / "out.ipynb", as_version=4).cells[0].outputs
    assert any("image/png" in output.get("data", {}) for output in outputs), outputs


def test_console_script_is_installed():
    out = subprocess.run(
        [sys.executable, "-m", "course.cli", "run", "nope"], capture_output=True, text=True
    )
    assert out.returncode == 2 and "valid names" in out.stderr


def test_execute_records_the_outputs_mode_and_version(tmp_path):
    import course

    source, out = tmp_path / "nb.ipynb", tmp_path / "out.ipynb"
    _tiny_notebook(source, "import os; print(os.environ['COURSE_FAST'])")
    notebooks.execute(source, out, env={"COURSE_FAST": "0"}, outputs_mode="full")
    meta = notebooks.nbformat.read(out, as_version=4).metadata["course"]
    assert meta == {"outputs_mode": "full", "outputs_version": course.__version__}
    notebooks.execute(source, out, env={"COURSE_FAST": "0"})  # `course run` copies record nothing
    assert "course" not in notebooks.nbformat.read(out, as_version=4).metadata


@pytest.mark.parametrize("flags, fast", [([], True), (["--full"], False)])
def test_regenerate_full_runs_without_fast_mode_and_records_it(monkeypatch, flags, fast):
    seen = {}

    def fake_run_many(selected, output_for, fast, record_mode=False):
        seen.update(
            names=[nb.name for nb in selected],
            fast=fast,
            record=record_mode,
            target=output_for(selected[0]),
        )
        return []

    monkeypatch.setattr(cli, "_run_many", fake_run_many)
    first = notebooks.discover()[0]
    assert cli.main(["regenerate", *flags, first.path.stem]) == 0
    assert seen == {"names": [first.name], "fast": fast, "record": True, "target": first.path}


def test_run_without_a_kernel_names_the_extra_that_brings_one(monkeypatch, capsys):
    """A base install has no Jupyter kernel (Colab and JupyterLab bring their own)."""
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    def missing(self, name):
        raise NoSuchKernel(name)

    monkeypatch.setattr(KernelSpecManager, "get_kernel_spec", missing)
    with pytest.raises(SystemExit) as exit_:
        cli.main(["run", notebooks.discover()[0].path.stem, "--fast"])
    assert exit_.value.code == 2
    assert "course[notebooks]" in capsys.readouterr().err
