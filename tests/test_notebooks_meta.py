"""Every session notebook follows the conventions: setup cell first, clean counts, badge, GPU."""

import nbformat
import pytest

from course import notebooks

ALL = notebooks.discover()
IDS = [nb.name for nb in ALL]


def test_there_are_session_notebooks():
    assert ALL, "no notebooks found under notebooks/session*/"


@pytest.mark.parametrize("info", ALL, ids=IDS)
def test_first_code_cell_is_the_standard_setup_cell(info):
    nb = nbformat.read(info.path, as_version=4)
    assert notebooks.first_code_cell(nb) == notebooks.setup_cell_source()


@pytest.mark.parametrize("info", ALL, ids=IDS)
def test_execution_counts_run_one_to_n(info):
    """Stored outputs come from one clean top-to-bottom run (`course regenerate`)."""
    nb = nbformat.read(info.path, as_version=4)
    counts = [c.execution_count for c in nb.cells if c.cell_type == "code"]
    assert counts == list(range(1, len(counts) + 1))


@pytest.mark.parametrize("info", ALL, ids=IDS)
def test_badge_metadata_and_topics(info):
    nb = nbformat.read(info.path, as_version=4)
    assert notebooks.colab_url(info.relative_path) in nb.cells[0].source
    assert nb.metadata["accelerator"] == "GPU"
    assert info.topics, "metadata.course.topics lists what the notebook covers"


@pytest.mark.parametrize("info", ALL, ids=IDS)
def test_no_error_outputs_stored(info):
    nb = nbformat.read(info.path, as_version=4)
    errors = [
        o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"
    ]
    assert not errors


def test_repository_url_lives_in_pyproject_only():
    assert notebooks.repository_url().startswith("https://github.com/")
    assert notebooks.repository_url() in notebooks.setup_cell_source()


def test_setup_cell_installs_only_on_colab_when_course_is_missing():
    src = notebooks.setup_cell_source()
    guard = next(line for line in src.splitlines() if line.startswith("if "))
    assert '"google.colab" in sys.modules' in guard and 'find_spec("course") is None' in guard


def test_resolve_accepts_short_and_full_names_and_lists_valid_ones():
    first = ALL[0]
    assert notebooks.resolve([first.path.stem]) == [first]
    assert notebooks.resolve([first.name]) == [first]
    with pytest.raises(
        ValueError, match=r"names: unknown notebook\(s\) 'no_such_notebook'\nvalid names"
    ):
        notebooks.resolve(["no_such_notebook"])


@pytest.mark.parametrize("info", ALL, ids=IDS)
def test_no_tensorflow_startup_noise_in_stored_outputs(info):
    """The absl/cudart lines TF writes to stderr at import never reach what students preview."""
    from course.config import STARTUP_NOISE

    text = info.path.read_text()
    assert not [marker for marker in STARTUP_NOISE if marker in text]


@pytest.mark.parametrize("info", ALL, ids=IDS)
def test_stored_outputs_come_from_full_mode(info):
    """What a student previews on GitHub or Colab is a full-mode run (`course regenerate --full`),
    recorded in the metadata and printed by the setup cell; tests execute fast mode."""
    nb = nbformat.read(info.path, as_version=4)
    assert nb.metadata["course"].get("outputs_mode") == "full", (
        f"run: course regenerate --full {info.name}"
    )
    setup = next(c for c in nb.cells if c.cell_type == "code")
    printed = "".join(o.get("text", "") for o in setup.outputs)
    assert "| full mode |" in printed and nb.metadata["course"]["outputs_version"] in printed
