"""Hostile programs fail alone, under both isolation levels (bwrap when it works here, and
rlimits only). Each test bounds its own damage: the fork bomb forks at most 1,884 times."""

import os
import shutil
import socket
import stat
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from pipeline import sandbox
from pipeline.sandbox import SandboxError, bwrap_available, run_sandboxed

ISOLATIONS = [
    pytest.param("bwrap", marks=pytest.mark.skipif(not bwrap_available(), reason="bubblewrap missing or not usable")),
    "rlimits",
]


def _mount_namespace_works() -> bool:
    """As root: `unshare --mount` can mount here (checked directly, not through the sandbox)."""
    if not sandbox.is_root():
        return False
    target = tempfile.mkdtemp(prefix="biocoder-test-unshare-")
    try:
        done = subprocess.run(["unshare", "--mount", "--propagation", "private", "--", "/bin/sh", "-c",
                               'mount -t tmpfs none "$1"', "sh", target], capture_output=True, timeout=20)
        return done.returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False
    finally:
        os.rmdir(target)


MOUNT_NS = _mount_namespace_works()


def _closed_ancestor(path: str) -> Path | None:
    """The first directory on the way to `path` (or its symlink target) that others cannot traverse."""
    for p in (Path(os.path.realpath(Path(path).parent)) / Path(path).name, Path(path).resolve()):
        for d in reversed(p.parents):
            if not d.stat().st_mode & stat.S_IXOTH:
                return d
    return None


def _python_for(isolation: str) -> str:
    """An interpreter the sandbox user can run. As root without bwrap, the sandbox user cannot
    reach an interpreter under /root (pyenv) unless a mount namespace exposes it, so fall back
    to the system one where `unshare --mount` does not work."""
    if isolation == "bwrap" or not sandbox.is_root() or MOUNT_NS:
        return sys.executable
    for exe in (sys.executable, "/usr/bin/python3"):
        if os.path.exists(exe) and sandbox._runnable_by(exe, sandbox.UID_BASE):
            return exe
    pytest.skip("no Python interpreter reachable by the unprivileged sandbox user")


@pytest.fixture(params=ISOLATIONS)
def iso(request):
    return request.param


def run_py(iso: str, code: str, **kw):
    return run_sandboxed([_python_for(iso), "main.py"], {"main.py": code}, isolation=iso, **kw)


def test_hello(iso):
    r = run_py(iso, "import os, sys\nprint('hi', sys.argv[1:] , os.environ.get('SECRET'))\n")
    assert r.status == "ok" and r.exit_code == 0
    assert r.stdout == "hi [] None\n"
    assert r.isolation == iso


def test_environment_is_scrubbed_and_stdin_empty(iso, monkeypatch):
    monkeypatch.setenv("SECRET_TOKEN", "x")
    r = run_py(iso, "import os, sys\nprint(sorted(k for k in os.environ if 'SECRET' in k), repr(sys.stdin.read()))")
    assert r.stdout.strip() == "[] ''"


def test_infinite_loop_times_out(iso):
    t = time.monotonic()
    r = run_py(iso, "while True:\n    pass\n", timeout=2)
    assert r.status == "timeout"
    assert time.monotonic() - t < 5


def test_sleeping_program_times_out(iso):
    r = run_py(iso, "import time\nprint('start', flush=True)\ntime.sleep(60)\n", timeout=1)
    assert r.status == "timeout" and r.stdout == "start\n"
    assert r.seconds < 3


FORK_BOMB = """
import os, time
def bomb(depth):            # at most 12 + 12**2 + 12**3 = 1884 forks in all
    for _ in range(12):
        try:
            pid = os.fork()
        except OSError:
            continue
        if pid == 0:
            if depth < 2:
                bomb(depth + 1)
            time.sleep(30)
            os._exit(0)
bomb(0)
time.sleep(0.5)
me, n = os.getuid(), 0
for p in os.listdir("/proc"):
    if p.isdigit():
        try:
            for line in open(f"/proc/{p}/status"):
                if line.startswith("Uid:") and int(line.split()[1]) == me:
                    n += 1
        except OSError:
            pass
print(n, me, flush=True)
"""


def test_fork_bomb_is_contained(iso):
    if not sandbox.is_root() and iso == "rlimits":
        pytest.skip("non-root rlimits: the process count is shared with the user's own processes")
    t = time.monotonic()
    r = run_py(iso, FORK_BOMB, timeout=5, max_procs=32)
    assert time.monotonic() - t < 10
    assert r.status == "ok", r.stderr[-500:]
    n, uid = map(int, r.stdout.split())
    assert n <= 32  # RLIMIT_NPROC bound the tree
    if sandbox.is_root():  # nothing of this run's uid is left running (zombies aside)
        time.sleep(0.1)
        alive = [p for p in os.listdir("/proc") if p.isdigit() and sandbox._uids_of(p) == uid
                 and "State:\tZ" not in _status(p)]
        assert alive == []


def _status(pid: str) -> str:
    try:
        return Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return "State:\tZ"


def test_memory_hog(iso):
    r = run_py(iso, "x = bytearray(4 * 1024**3)\nprint(len(x))\n", memory_mb=512, timeout=10)
    assert r.status == "memory"
    assert r.seconds < 5


def test_huge_print_hits_output_limit_quickly(iso):
    t = time.monotonic()
    r = run_py(iso, "import sys\nblock = 'x' * (1 << 20)\nfor _ in range(1024):\n    sys.stdout.write(block)\n",
               max_output=100_000, timeout=20)
    assert r.status == "output_limit"
    assert r.stdout_truncated and len(r.stdout) == 100_000
    assert time.monotonic() - t < 5


def test_socket_connect_to_localhost(iso):
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(5)
    server.settimeout(0.2)
    port = server.getsockname()[1]
    accepted = []

    def accept():
        try:
            conn, _ = server.accept()
            accepted.append(conn)
        except OSError:
            pass

    th = threading.Thread(target=accept)
    th.start()
    code = (f"import socket\ns = socket.socket()\ns.settimeout(2)\n"
            f"try:\n    s.connect(('127.0.0.1', {port}))\n    print('connected')\n"
            f"except OSError as e:\n    print('blocked', e)\n")
    try:
        r = run_py(iso, code, timeout=5)
        th.join()
    finally:
        server.close()
        for c in accepted:
            c.close()
    if iso == "rlimits":
        if r.stdout.startswith("connected"):
            pytest.skip("rlimits-only isolation does not block the network (the sample connected); use bwrap")
    assert r.stdout.startswith("blocked"), r.stdout + r.stderr
    assert accepted == []


def test_network_can_be_allowed():
    if not bwrap_available():
        pytest.skip("bubblewrap missing")
    r = run_py("bwrap", "import socket\nprint(socket.gethostname() != '')", network=True)
    assert r.status == "ok"


def test_writes_outside_run_dir_do_not_land(iso, tmp_path):
    if not sandbox.is_root() and iso == "rlimits":
        pytest.skip("non-root rlimits: the program is the same user as the test and may write its files")
    outside_tmp = Path("/tmp") / f"owned_by_sandbox_{uuid.uuid4().hex}"
    outside_test = tmp_path / "owned_by_sandbox"
    targets = [outside_test] + ([outside_tmp] if iso == "bwrap" else [])
    code = "import sys\nfor p in sys.argv[1:]:\n" \
           "    try:\n        open(p, 'w').write('x'); print('wrote', p)\n" \
           "    except OSError as e:\n        print('denied', p, e.errno)\n" \
           "open('inside.txt', 'w').write('ok'); print('inside ok')\n"
    r = run_sandboxed([_python_for(iso), "main.py", *map(str, targets)], {"main.py": code}, isolation=iso)
    try:
        assert r.status == "ok", r.stderr
        assert "inside ok" in r.stdout
        for target in targets:
            assert not target.exists(), r.stdout
    finally:
        outside_tmp.unlink(missing_ok=True)
    # Not asserted for rlimits: without bwrap, world-writable places such as /tmp are
    # writable by the sandbox user too (the documented weaker isolation).


def test_kill_parent_leaves_test_process_alive(iso):
    if not sandbox.is_root() and iso == "rlimits":
        pytest.skip("non-root rlimits: the program is our own user and could signal us")
    r = run_py(iso, "import os, signal\nos.kill(os.getppid(), signal.SIGKILL)\nprint('after')\n")
    # as root the program is another uid (EPERM); under bwrap its parent is the namespace's
    # init, which it cannot kill either. Either way this process is still here to assert.
    assert r.status in ("error", "ok"), r.stderr
    if sandbox.is_root():
        assert r.status == "error" and "PermissionError" in r.stderr


def test_exit_mid_output(iso):
    r = run_py(iso, "import os, sys\nsys.stdout.write('abc' * 1000)\nsys.stdout.flush()\nos._exit(3)\n")
    assert r.status == "error" and r.exit_code == 3
    assert r.stdout == "abc" * 1000


def test_segfault_is_killed(iso):
    r = run_py(iso, "import ctypes\nctypes.string_at(0)\n")
    assert r.status == "killed" and r.exit_code is not None and r.exit_code < 0


def test_hostile_programs_in_parallel_leave_others_unaffected(iso):
    hostile = ["while True:\n    pass\n", "x = bytearray(4 * 1024**3)\n",
               "import sys\nwhile True:\n    sys.stdout.write('x' * 65536)\n",
               "import os, signal\nos.kill(os.getppid(), signal.SIGKILL)\n",
               "import os\ntry:\n    os.kill(-1, 9)\nexcept OSError:\n    pass\nprint('survived')\n"]
    good = "import hashlib\nprint(hashlib.sha256(b'x').hexdigest())\n"
    jobs = [(h, False) for h in hostile] + [(good, True)] * 6
    with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
        results = list(pool.map(lambda j: run_py(iso, j[0], timeout=3, memory_mb=512, max_output=100_000), jobs))
    for (code, is_good), r in zip(jobs, results):
        if is_good:
            assert r.status == "ok" and r.stdout.strip().startswith("2d711642"), (r.status, r.stderr)
    assert [r.status for r in results[:3]] == ["timeout", "memory", "output_limit"]


def test_file_names_cannot_escape():
    before = set(Path(tempfile.gettempdir()).glob("biocoder-sb-*"))
    with pytest.raises(SandboxError):
        run_sandboxed(["true"], {"../escape.txt": "x"}, isolation="rlimits")
    assert set(Path(tempfile.gettempdir()).glob("biocoder-sb-*")) == before  # run directory removed


def test_bwrap_required_but_missing(monkeypatch):
    monkeypatch.setattr(sandbox, "_bwrap_ok", False)
    with pytest.raises(SandboxError):
        sandbox.resolve_isolation("bwrap")


def test_fallback_warns_once(monkeypatch, caplog):
    monkeypatch.setattr(sandbox, "_bwrap_ok", False)
    monkeypatch.setattr(sandbox, "_warned", False)
    with caplog.at_level("WARNING", logger="pipeline.sandbox"):
        assert sandbox.resolve_isolation("auto") == "rlimits"
        assert sandbox.resolve_isolation("auto") == "rlimits"
    assert sum("weaker" in r.message or "rlimits only" in r.message for r in caplog.records) == 1


def test_interpreter_from_a_virtualenv_under_tmp_runs(tmp_path):
    """CI makes its virtualenv inside a fresh clone, possibly under /tmp, which the sandbox
    replaces by a private tmpfs: the interpreter's environment must stay reachable."""
    import subprocess
    import venv

    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=False, symlinks=True).create(env_dir)
    python = str(env_dir / "bin" / "python")
    res = run_sandboxed([python, "-c", "import sys; print(sys.prefix)"], timeout=20)
    assert res.status == "ok", res.stderr
    assert res.stdout.strip() == str(env_dir)
    assert subprocess.run([python, "-c", "pass"]).returncode == 0


needs_root_mount_ns = pytest.mark.skipif(
    not (sandbox.is_root() and MOUNT_NS),
    reason="needs root with a working `unshare --mount` (the mount-namespace path of the rlimits fallback)")


@needs_root_mount_ns
def test_rlimits_as_root_runs_a_program_under_a_closed_directory():
    """Without bwrap, a program the sandbox uid cannot reach (its directory is 0700, like /root)
    runs in a mount namespace that shows only what it needs there, read-only."""
    closed = Path(tempfile.mkdtemp(prefix="biocoder-closed-"))
    try:
        assert stat.S_IMODE(closed.stat().st_mode) == 0o700
        script = closed / "prog.sh"
        script.write_text('#!/bin/sh\nd=$(dirname "$0")\nid -u\ncat "$d/data.txt"\n'
                          'cat "$d/secret.txt" 2>/dev/null || echo "no secret"\n'
                          'touch "$d/data.txt" 2>/dev/null || echo "read-only"\nls -A "$d"\n')
        (closed / "data.txt").write_text("data beside it\n")
        (closed / "secret.txt").write_text("secret\n")
        os.chmod(script, 0o755)
        os.chmod(closed / "data.txt", 0o666)
        os.chmod(closed / "secret.txt", 0o644)
        with sandbox.SandboxSession(isolation="rlimits") as session:
            r = session.run([str(script)], readable=[str(closed / "data.txt")])
            stage = getattr(session, "_stage", None)
        assert r.status == "ok", r.stderr
        assert r.isolation == "rlimits"
        uid, *rest = r.stdout.splitlines()
        assert int(uid) >= sandbox.UID_BASE
        # the closed directory shows only what was bound back (the script and the file it reads)
        assert rest == ["data beside it", "no secret", "read-only", "data.txt", "prog.sh"], r.stdout + r.stderr
        # nothing leaked out of the namespace: the directory is intact here, the staging point gone
        assert sorted(os.listdir(closed)) == ["data.txt", "prog.sh", "secret.txt"]
        assert stage is not None and not stage.exists()
    finally:
        shutil.rmtree(closed)


@needs_root_mount_ns
def test_rlimits_as_root_runs_the_venv_interpreter_under_a_closed_directory():
    closed = _closed_ancestor(sys.executable)
    if closed is None:
        pytest.skip(f"{sys.executable} is reachable by other users (no closed parent directory)")
    r = run_sandboxed([sys.executable, "-c", "print(1)"], isolation="rlimits", timeout=20)
    assert r.status == "ok", r.stderr
    assert r.stdout == "1\n"


@pytest.mark.skipif(not sandbox.is_root(), reason="the unprivileged sandbox uid exists only as root")
def test_rlimits_as_root_without_mount_namespace_says_why(monkeypatch):
    if _closed_ancestor(sys.executable) is None:
        pytest.skip(f"{sys.executable} is reachable by other users (no closed parent directory)")
    monkeypatch.setattr(sandbox, "_unshare_ok", False)  # as where `unshare --mount` cannot mount
    with pytest.raises(SandboxError, match="unshare --mount"):
        run_sandboxed([sys.executable, "-c", "print(1)"], isolation="rlimits")
