"""One bubblewrap sandbox per submission: what the student's kernel can see, write and use.

Inside: the Python environment and the `course` package read-only, the job file (inputs only)
and a copy of the notebook read-only, a private working folder and /tmp in memory (size-limited:
nothing the submission writes reaches the disk), nothing else (no sources, other submissions,
gradebook or feedback); no network; its own PID namespace, so every process dies with the sandbox.
Run as root, the submission runs as a user id of its own (`sandbox_uid`), so the process limit holds
and counts that submission's processes alone. Limits are rlimits (no
cgroups needed): data segment (memory), CPU seconds per process, processes per user; a wall-clock
cap ends a sandbox that stops answering.
"""

import os
import resource
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

from course.validation import check_number

# Graded as root, each sandbox runs as a user id of its own drawn from this range (no account is
# needed): RLIMIT_NPROC counts a user's processes machine-wide, so one shared id (nobody) made
# concurrent gradings share, and exhaust, a single process limit.
SANDBOX_UIDS = range(3_000_000, 4_000_000)
INSTALL_HINT = (
    "bubblewrap (`bwrap`) is needed to grade untrusted submissions safely; install it with "
    "`sudo apt-get install bubblewrap` (Debian/Ubuntu; `dnf install bubblewrap` on Fedora), or "
    "pass --unsafe-no-sandbox to grade without isolation (the gradebook records it). Colab cannot "
    "grade safely."
)
MAX_OUTPUT = 256 * 2**20  # bytes of results read from one sandbox; a flood beyond this is cut off


class SandboxUnavailable(RuntimeError):
    """bubblewrap is missing or cannot start a sandbox on this machine."""


@dataclass(frozen=True)
class Limits:
    """Per-submission limits: memory (MB of data segment per process), CPU seconds per process,
    processes (and threads) in the sandbox, wall-clock seconds for the whole submission, and MB
    of writable space (in memory) for each of the work folder and /tmp."""

    memory_mb: int = 2048
    cpu_seconds: int = 600
    processes: int = 64
    wall_seconds: int = 1800
    disk_mb: int = 512

    def __post_init__(self):
        check_number("memory_mb", self.memory_mb, 256, integer=True)
        check_number("cpu_seconds", self.cpu_seconds, 1, integer=True)
        check_number("processes", self.processes, 8, integer=True)
        check_number("wall_seconds", self.wall_seconds, 1, integer=True)
        check_number("disk_mb", self.disk_mb, 16, integer=True)


def bwrap():
    """Path of the bubblewrap binary; SandboxUnavailable (with how to install it) when missing."""
    path = shutil.which("bwrap")
    if path is None:
        raise SandboxUnavailable(INSTALL_HINT)
    return path


def _package_dirs():
    """(folders to bind read-only, PYTHONPATH entry): the Python installation and the course package
    (its folder alone: an editable install's repository, with its instructor sources, stays
    hidden)."""
    import importlib.resources
    import site

    import course

    package = Path(course.__file__).resolve().parent
    artifacts = Path(str(importlib.resources.files("course.artifacts"))).resolve()
    paths = {
        Path(sys.base_prefix),
        Path(sys.prefix),
        package,
        artifacts,
        *(Path(p) for p in site.getsitepackages()),
        Path(sys.executable).resolve().parent,
    }
    return sorted(str(p.resolve()) for p in paths if p.exists()), str(package.parent)


def _system_binds():
    """bwrap arguments for the system folders: /usr and /etc read-only, merged-/usr symlinks
    kept."""
    args = ["--ro-bind", "/usr", "/usr", "--ro-bind", "/etc", "/etc"]
    for name in ("bin", "sbin", "lib", "lib64", "lib32"):
        path = Path("/") / name
        if path.is_symlink():
            args += ["--symlink", os.readlink(path), str(path)]
        elif path.is_dir():
            args += ["--ro-bind", str(path), str(path)]
    return args


def environment(pythonpath):
    """The sandbox's environment: nothing inherited except fast mode; home and caches in /tmp."""
    env = {
        "PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin",
        "HOME": "/tmp",
        "PYTHONPATH": pythonpath,
        "MPLCONFIGDIR": "/tmp/matplotlib",
        "JUPYTER_RUNTIME_DIR": "/tmp/jupyter",
        "IPYTHONDIR": "/tmp/ipython",
        "JUPYTER_PLATFORM_DIRS": "1",
        "PYTHONDONTWRITEBYTECODE": "1",
        "TF_CPP_MIN_LOG_LEVEL": "3",
        "LANG": "C.UTF-8",
    }
    if "COURSE_FAST" in os.environ:
        env["COURSE_FAST"] = os.environ["COURSE_FAST"]
    return env


def sandbox_uid():
    """A user id for one sandbox, drawn from `SANDBOX_UIDS`."""
    return secrets.choice(SANDBOX_UIDS)


def command(job_dir, argv, limits):
    """The bwrap command line that runs `argv` over `job_dir`: job.json and the files of work/
    read-only, the work folder and /tmp writable in memory (`limits.disk_mb` each)."""
    binds, _ = _package_dirs()
    root = (
        os.geteuid() == 0
    )  # root keeps the real user ids, so that it can drop to its own id inside
    args = [
        bwrap(),
        "--unshare-ipc",
        "--unshare-pid",
        "--unshare-net",
        "--unshare-uts",
        "--unshare-cgroup-try",
        *([] if root else ["--unshare-user"]),
        "--die-with-parent",
        "--new-session",
        *_system_binds(),
    ]
    size = str(limits.disk_mb * 2**20)
    # /tmp first: a package or venv that lives under /tmp (a CI checkout) is bound on top of it
    args += [
        "--dev",
        "/dev",
        "--proc",
        "/proc",
        "--perms",
        "1777",
        "--size",
        size,
        "--tmpfs",
        "/tmp",
    ]
    args += _parents([*binds, "/job/work"])
    for path in binds:
        args += ["--ro-bind", path, path]
    args += [
        "--ro-bind",
        str(Path(job_dir) / "job.json"),
        "/job/job.json",
        "--perms",
        "1777",
        "--size",
        size,
        "--tmpfs",
        "/job/work",
    ]
    for path in sorted((Path(job_dir) / "work").iterdir()):
        args += ["--ro-bind", str(path), f"/job/work/{path.name}"]
    args += ["--chdir", "/job/work"]
    if root:  # drop to an unprivileged id inside: root ignores the process limit
        uid = sandbox_uid()
        args += [
            "--cap-add",
            "CAP_SETUID",
            "--cap-add",
            "CAP_SETGID",
            shutil.which("setpriv") or "/usr/bin/setpriv",
            f"--reuid={uid}",
            f"--regid={uid}",
            "--clear-groups",
            "--inh-caps=-all",
            "--bounding-set=-all",
        ]
    return args + list(argv)


def _parents(paths):
    """bwrap arguments creating the folders above each mount point as world-readable (bwrap would
    make them private to root, which hides the mounts from the sandbox user); /tmp is the
    sandbox's own tmpfs, already there."""
    parents = sorted(
        {
            str(parent)
            for path in paths
            for parent in Path(path).parents
            if str(parent) not in ("/", "/tmp")
        }
        - set(paths),
        key=lambda p: p.count("/"),
    )
    inside_bind = [p for p in parents if any(p.startswith(b + "/") for b in paths)]
    return [arg for p in parents if p not in inside_bind for arg in ("--perms", "0755", "--dir", p)]


def _set_limits(limits):
    """preexec: the rlimits every process of the sandbox inherits."""
    memory = limits.memory_mb * 2**20
    resource.setrlimit(resource.RLIMIT_DATA, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CPU, (limits.cpu_seconds, limits.cpu_seconds + 5))
    resource.setrlimit(resource.RLIMIT_NPROC, (limits.processes, limits.processes))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


@dataclass
class Outcome:
    """What a sandbox run left: its result lines, exit code, stderr's last lines, and whether the
    wall-clock limit ended it."""

    lines: list
    returncode: int
    stderr: str
    wall_limit: bool


def prepare(root, files):
    """A job folder under `root`: job.json and work/ (holding `files`, name -> bytes, which the
    sandbox sees read-only); returns its path."""
    job_dir = Path(tempfile.mkdtemp(prefix="job-", dir=root))
    (job_dir / "work").mkdir()
    for name, data in files.items():
        (job_dir / "work" / name).write_bytes(data)
    return job_dir


def run(job_dir, limits, sandboxed=True):
    """Run the grading runner over `job_dir` (in bwrap unless `sandboxed` is False) and collect the
    result lines it prints as they come; the submission's processes are all gone on return."""
    _, pythonpath = _package_dirs()
    runner = [sys.executable, "-m", "course.homework.runner"]
    if sandboxed:
        argv = command(job_dir, [*runner, "/job/job.json"], limits)
    else:
        argv = [*runner, str(Path(job_dir) / "job.json")]
    cwd = "/" if sandboxed else str(Path(job_dir) / "work")
    with tempfile.TemporaryFile() as stderr:
        process = subprocess.Popen(
            argv,
            stdout=subprocess.PIPE,
            stderr=stderr,
            stdin=subprocess.DEVNULL,
            cwd=cwd,
            env=environment(pythonpath),
            start_new_session=True,
            preexec_fn=lambda: _set_limits(limits),
        )
        lines = []
        reader = threading.Thread(target=_read_lines, args=(process.stdout, lines), daemon=True)
        reader.start()
        try:
            process.wait(timeout=limits.wall_seconds)
            wall_limit = False
        except subprocess.TimeoutExpired:
            wall_limit = True
        _kill_group(process)
        reader.join(timeout=10)  # without a PID namespace a leftover process may hold the pipe
        stderr.seek(0)
        tail = stderr.read()[-4000:].decode("utf-8", "replace")
    return Outcome(lines, process.returncode, tail, wall_limit)


def _read_lines(stream, lines):
    """Collect the lines of `stream` up to MAX_OUTPUT bytes, then drain the rest unread."""
    total = 0
    for line in stream:
        total += len(line)
        if total <= MAX_OUTPUT:
            lines.append(line.decode("utf-8", "replace"))


def _kill_group(process):
    """SIGKILL the sandbox's process group (bwrap; its PID namespace dies with it) and reap it."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.wait()
