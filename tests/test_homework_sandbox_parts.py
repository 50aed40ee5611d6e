"""The sandbox's parts, without kernels: plain data refuses anything that runs code, limits refuse
bad values, and the bwrap command line shows the submission nothing but what it may see."""

import json
import pickle

import numpy as np
import pytest

from course.homework import plain, sandbox


def test_plain_data_round_trips_numbers_strings_and_arrays():
    value = {
        "a": [1, 2.5, "x", None, True],
        "b": (np.arange(6, dtype="int32").reshape(2, 3), np.float64(0.25)),
        "c": np.array([[True, False]]),
    }
    back = plain.decode(plain.encode(value))
    assert back["a"] == [1, 2.5, "x", None, True]
    assert back["b"][0].dtype == np.int32 and back["b"][0].tolist() == [[0, 1, 2], [3, 4, 5]]
    assert back["b"][1] == 0.25 and np.ndim(back["b"][1]) == 0
    assert back["c"].tolist() == [[True, False]]


@pytest.mark.parametrize(
    "value", [lambda x: x, object(), np.array(["a"], dtype=object), {1: 2}, b"bytes"]
)
def test_plain_data_refuses_what_is_not_plain(value):
    with pytest.raises(TypeError):
        plain.to_plain(value)


@pytest.mark.parametrize(
    "tagged",
    [
        {plain.ARRAY: "AAAA", "dtype": "|O", "shape": [1]},  # an object array (pickles)
        {plain.ARRAY: "AAAAAAAAAAA=", "dtype": "<f8", "shape": [3]},  # 8 bytes for 3 floats
        {plain.ARRAY: "not base64!", "dtype": "<f8", "shape": [1]},
        {plain.ARRAY: "AAAAAAAAAAA=", "dtype": "<f8"},  # no shape
    ],
)
def test_decoding_refuses_malformed_or_code_carrying_arrays(tagged):
    with pytest.raises(ValueError):
        plain.decode(json.dumps({"x": tagged}))


def test_a_pickle_is_just_a_string():
    payload = pickle.dumps(print).hex()
    assert plain.decode(plain.encode(payload)) == payload


@pytest.mark.parametrize(
    "field,value,error",
    [
        ("memory_mb", 10, ValueError),
        ("cpu_seconds", 0, ValueError),
        ("processes", 2.5, TypeError),
        ("wall_seconds", "1", TypeError),
    ],
)
def test_limits_refuse_bad_values(field, value, error):
    with pytest.raises(error, match=field):
        sandbox.Limits(**{field: value})


def test_defaults_are_two_gigabytes_ten_minutes_and_64_processes():
    limits = sandbox.Limits()
    assert (limits.memory_mb, limits.cpu_seconds, limits.processes) == (2048, 600, 64)


def test_the_command_binds_the_package_alone_read_only_and_unshares_the_rest(tmp_path):
    import course
    from course.homework.release import SOURCE_DIR

    (tmp_path / "work").mkdir()
    (tmp_path / "work" / "hw.ipynb").write_text("{}")
    (tmp_path / "job.json").write_text("{}")
    args = sandbox.command(tmp_path, ["python", "-c", "pass"], sandbox.Limits(disk_mb=64))
    pairs = [
        (args[i], args[i + 1], args[i + 2])
        for i in range(len(args) - 2)
        if args[i].startswith("--")
    ]
    readable = [src for flag, src, _ in pairs if flag == "--ro-bind"]
    assert not [
        a for a in args if a in ("--bind", "--bind-try", "--dev-bind")
    ]  # nothing on disk is writable
    tmpfs = [args[i + 1] for i, a in enumerate(args[:-1]) if a == "--tmpfs"]
    assert tmpfs == ["/tmp", "/job/work"] and args.count(str(64 * 2**20)) == 2
    assert ("--ro-bind", str(tmp_path / "work" / "hw.ipynb"), "/job/work/hw.ipynb") in pairs
    assert str(SOURCE_DIR) not in readable and str(SOURCE_DIR.parent.parent) not in readable
    assert str(__import__("pathlib").Path(course.__file__).resolve().parent) in readable
    assert not any(str(tmp_path) == r or r == "/" for r in readable)
    for flag in (
        "--unshare-pid",
        "--unshare-net",
        "--unshare-ipc",
        "--die-with-parent",
        "--new-session",
    ):
        assert flag in args
    assert args[-3:] == ["python", "-c", "pass"]
    # every read-only bind comes after the sandbox's own /tmp, so a package or venv that lives
    # under /tmp (a CI checkout) is bound on top of the tmpfs instead of hidden by it
    first_bind = next(
        i
        for i, a in enumerate(args)
        if a == "--ro-bind"
        and args[i + 1] not in ("/usr", "/etc")
        and not args[i + 1].startswith(("/bin", "/sbin", "/lib"))
    )
    assert args.index("/tmp") < first_bind


def test_forged_result_lines_cannot_crash_the_grader_or_earn_points(tmp_path, monkeypatch):
    """Whatever a submission prints on the runner's pipe, the grader judges it as data."""
    import nbformat

    from course.homework import grade as grading
    from course.homework.release import STUDENT_DIR

    forged = [
        '{"step": 0, "status": "ok", "text": {"x": [1]}}',
        "not json",
        '{"step": "1"}',
        "[1, 2]",
        '{"step": 99999, "status": "ok"}',
        *(
            f'{{"step": {i}, "status": "ok", "results": {r}}}'
            for i, r in enumerate(
                ['"all"', "[{}]", '[{"value": {"__array__": "AAAA", "dtype": "|O", "shape": [1]}}]']
                * 12
            )
        ),
    ]
    monkeypatch.setattr(
        grading.sandbox, "run", lambda *a, **k: grading.sandbox.Outcome(forged, 0, "", False)
    )
    (tmp_path / "subs" / "forger").mkdir(parents=True)
    nbformat.write(
        nbformat.read(STUDENT_DIR / "hw4_nn.ipynb", as_version=4),
        tmp_path / "subs" / "forger" / "hw4_nn.ipynb",
    )
    [result] = grading.grade(
        "hw4_nn", tmp_path / "subs", tmp_path / "grades.csv", tmp_path / "feedback", progress=False
    )
    assert result.total == 0 and len(result.notes) >= 8
