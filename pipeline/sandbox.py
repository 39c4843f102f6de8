"""Run untrusted programs (harness validation, model samples) so that a hostile one fails alone.

Every run gets a private temporary directory, its own session/process group (killed as a
group at the deadline), resource rlimits (CPU, address space, processes, file size, open
files, no core dumps), a scrubbed environment, no stdin, and bounded output capture.

Layers, outermost first (see `_command`):

1. `prlimit` (util-linux) sets the rlimits and execs the rest. A `preexec_fn` would do the
   same, but CPython documents `preexec_fn` as unsafe with threads, and `evaluate` runs
   sandboxes from a thread pool; `preexec_fn` is only the fallback when `prlimit` is missing.
2. `bwrap` (bubblewrap), when it works here: new network, pid, ipc and uts namespaces, the
   whole file system read-only except the run directory and a private /tmp, `/root` hidden
   behind a tmpfs (only the interpreter's tree under it is bound back, read-only).
   `--unshare-pid` makes the program's parent bwrap's init, so killing the parent is harmless.
   Without bwrap, only the rlimits remain and a one-time warning says so.
3. When the tool runs as root (containers, CI), the program runs as an unprivileged uid:
   RLIMIT_NPROC does not bind root, so a fork bomb run as root is not contained. Each
   concurrent sandbox gets its own uid from a pool (`UID_BASE` + slot, slot held with an
   flock), so one sample's process count, signals (`kill(-1)`) and files cannot reach
   another's. Under bwrap the uid is dropped inside the sandbox with `setpriv`; without it,
   `subprocess`'s own `user=`/`group=` do it. After each run every process left with that
   uid is killed (catches children that escaped the process group with `setsid`).
   Without bwrap, an executable (or a `readable` path) the uid cannot reach because a parent
   directory is closed (a pyenv interpreter under /root, mode 0700) runs in a private mount
   namespace instead (`unshare --mount`, util-linux): a small /bin/sh script covers each closed
   directory with an empty tmpfs, binds back read-only only the subtree on the way to the
   path (as bwrap does, see `_hidden_ancestors`), then execs `setpriv` to drop to the uid.
   The rest of the file system and the network stay as in the rlimits fallback. Where
   `unshare --mount` does not work (no CAP_SYS_ADMIN), such a command raises SandboxError.

Statuses: ok, error (non-zero exit), timeout (wall deadline or RLIMIT_CPU), memory
(MemoryError / OutOfMemoryError / allocation failure in stderr), output_limit (stdout or
stderr exceeded `max_output`: the group is killed at once), killed (ended by a signal we did
not send).
"""

from __future__ import annotations

import fcntl
import logging
import os
import pwd
import selectors
import shutil
import signal
import stat
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Collection, Literal, Mapping, Sequence

log = logging.getLogger(__name__)

STATUSES = ("ok", "error", "timeout", "memory", "output_limit", "killed")
Isolation = Literal["auto", "bwrap", "rlimits"]

UID_BASE = 64000  # pool of unprivileged uids used when running as root
UID_SLOTS = 256
LOCK_DIR = Path(tempfile.gettempdir()) / "biocoder-sandbox-uids"

SAFE_PATH = "/usr/local/bin:/usr/bin:/bin"

# stderr fragments that mean the program ran out of (address-space-limited) memory
_MEMORY_MARKERS = (
    "MemoryError",
    "java.lang.OutOfMemoryError",
    "Could not reserve enough space",
    "Cannot allocate memory",
    "insufficient memory for the Java Runtime",
    "std::bad_alloc",
    "out of memory",
)


class SandboxError(RuntimeError):
    """The sandbox itself cannot run (not the program failing)."""


@dataclass(slots=True)
class SandboxResult:
    status: str  # one of STATUSES
    exit_code: int | None  # exit status; negative = signal number (subprocess convention)
    stdout: str
    stderr: str
    seconds: float
    stdout_truncated: bool = False
    stderr_truncated: bool = False
    isolation: str = "rlimits"  # "bwrap" or "rlimits"

    @property
    def ok(self) -> bool:
        return self.status == "ok"


# ---------------------------------------------------------------- environment probes

_probe_lock = threading.Lock()
_bwrap_ok: bool | None = None
_unshare_ok: bool | None = None
_warned = False
_warned_mountns = False


def is_root() -> bool:
    return os.geteuid() == 0


def bwrap_available() -> bool:
    """bwrap is installed and really starts here (it can fail inside some containers)."""
    global _bwrap_ok
    with _probe_lock:
        if _bwrap_ok is None:
            _bwrap_ok = _probe_bwrap()
        return _bwrap_ok


def _probe_bwrap() -> bool:
    exe = shutil.which("bwrap")
    if exe is None:
        return False
    cmd = [exe, "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "--tmpfs", "/tmp",
           "--unshare-net", "--unshare-pid", "--die-with-parent"]
    if is_root():
        setpriv = shutil.which("setpriv")
        if setpriv is None:
            return False
        cmd += ["--", setpriv, f"--reuid={UID_BASE}", f"--regid={UID_BASE}", "--clear-groups", "--", "/bin/true"]
    else:
        cmd += ["--", "/bin/true"]
    try:
        done = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, timeout=20)
    except (OSError, subprocess.TimeoutExpired) as exc:
        log.info("bwrap probe failed: %s", exc)
        return False
    if done.returncode != 0:
        log.info("bwrap probe failed (%d): %s", done.returncode, done.stderr.decode(errors="replace")[:300])
    return done.returncode == 0


def unshare_available() -> bool:
    """As root: `unshare --mount` works here, with the mounts `_MOUNT_SCRIPT` makes (needs
    CAP_SYS_ADMIN; fails in unprivileged containers)."""
    global _unshare_ok
    with _probe_lock:
        if _unshare_ok is None:
            _unshare_ok = _probe_unshare()
        return _unshare_ok


def _probe_unshare() -> bool:
    if not is_root() or not all(shutil.which(t) for t in ("unshare", "setpriv", "mount", "umount")):
        return False
    probe = Path(tempfile.mkdtemp(prefix="biocoder-unshare-probe-"))  # mode 0700, like /root
    stage = Path(tempfile.mkdtemp(prefix="biocoder-unshare-stage-"))
    try:
        (probe / "open").mkdir()
        (probe / "open" / "mark").write_text("x")
        os.chmod(probe / "open", 0o755)
        os.chmod(probe / "open" / "mark", 0o644)
        (probe / "closed").write_text("x")
        check = ["/bin/sh", "-c", 'test -r "$1/open/mark" && ! test -e "$1/closed"', "sh", str(probe)]
        cmd = _mountns_command(stage, [(probe, ["open"])], _setpriv_args(UID_BASE) + ["--", *check])
        done = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, timeout=20)
        if done.returncode != 0:
            log.info("unshare --mount probe failed (%d): %s", done.returncode,
                     done.stderr.decode(errors="replace")[:300])
            return False
        # the mounts stayed in the namespace (private propagation): nothing covers the probe here
        return (probe / "closed").exists() and not os.path.ismount(stage)
    except (OSError, subprocess.TimeoutExpired) as exc:
        log.info("unshare --mount probe failed: %s", exc)
        return False
    finally:
        shutil.rmtree(probe, ignore_errors=True)
        _rmdir_quietly(stage)


def _rmdir_quietly(path: Path) -> None:
    """rmdir, never rmtree: should a mount ever be visible here, nothing under it is deleted."""
    try:
        os.rmdir(path)
    except OSError:
        pass


def resolve_isolation(isolation: Isolation = "auto") -> str:
    global _warned
    if isolation == "rlimits":
        return "rlimits"
    if bwrap_available():
        return "bwrap"
    if isolation == "bwrap":
        raise SandboxError("isolation='bwrap' requested but bubblewrap is missing or cannot start here")
    if not _warned:
        _warned = True
        log.warning(
            "bubblewrap (bwrap) is not available: sandboxed programs get rlimits only, "
            "with network access and a writable file system where their user may write. "
            + ("As root, a program under a closed directory such as /root runs in a private mount "
               "namespace (unshare) that shows only its own tree there, read-only. " if is_root() else "")
            + "Install the 'bubblewrap' package for stronger isolation."
        )
    return "rlimits"


# ---------------------------------------------------------------- uid pool (root only)

class _UidSlot:
    """An unprivileged uid held exclusively (across threads and processes) through an flock."""

    def __init__(self) -> None:
        LOCK_DIR.mkdir(mode=0o700, exist_ok=True)
        start = (os.getpid() * 7 + threading.get_ident()) % UID_SLOTS  # spread the first tries
        # A uid with processes left (zombies not yet reaped by init still count towards its
        # RLIMIT_NPROC) is skipped, so a fork bomb cannot starve the next sample given that uid.
        busy = _uids_with_processes()
        for i in range(UID_SLOTS):
            uid = UID_BASE + (start + i) % UID_SLOTS
            if uid in busy or _uid_in_passwd(uid):
                continue
            fd = os.open(LOCK_DIR / str(uid), os.O_CREAT | os.O_RDWR, 0o600)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(fd)
                continue
            self.uid, self._fd = uid, fd
            return
        raise SandboxError(f"all {UID_SLOTS} sandbox uids are busy")

    def release(self) -> None:
        kill_uid(self.uid)
        fcntl.flock(self._fd, fcntl.LOCK_UN)
        os.close(self._fd)


_passwd_cache: dict[int, bool] = {}


def _uid_in_passwd(uid: int) -> bool:
    if uid not in _passwd_cache:
        try:
            pwd.getpwuid(uid)
            _passwd_cache[uid] = True
        except KeyError:
            _passwd_cache[uid] = False
    return _passwd_cache[uid]


def _uids_of(pid: str) -> int | None:
    try:
        with open(f"/proc/{pid}/status", "rb") as fh:
            for line in fh:
                if line.startswith(b"Uid:"):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        return None
    return None


def _uids_with_processes() -> set[int]:
    uids = set()
    for pid in os.listdir("/proc"):
        if pid.isdigit():
            uid = _uids_of(pid)
            if uid is not None:
                uids.add(uid)
    return uids


def _task_count(uid: int) -> int:
    n = 0
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/status", "rb") as fh:
                text = fh.read()
        except OSError:
            continue
        fields = dict(line.split(b":", 1) for line in text.splitlines() if b":" in line)
        try:
            if int(fields[b"Uid"].split()[0]) == uid:
                n += int(fields[b"Threads"].strip())
        except (KeyError, ValueError, IndexError):
            continue
    return n


def kill_uid(uid: int, rounds: int = 20) -> int:
    """SIGKILL every process whose real uid is `uid` (root only); repeat while new ones appear."""
    if not is_root() or uid == 0:
        return 0
    killed = 0
    for _ in range(rounds):
        found = 0
        for pid in os.listdir("/proc"):
            if pid.isdigit() and _uids_of(pid) == uid:
                found += 1
                try:
                    os.kill(int(pid), signal.SIGKILL)
                except ProcessLookupError:
                    pass
        killed += found
        if not found:
            break
        time.sleep(0.005)
    return killed


# ---------------------------------------------------------------- paths the sandbox user must reach

def _traversable_by_others(path: Path, uid: int | None = None) -> bool:
    """By any unprivileged user, or, given `uid`, by that user (as the directory's owner too)."""
    try:
        st = path.stat()
    except OSError:
        return True  # missing: nothing to expose
    return bool(st.st_mode & stat.S_IXOTH) or (st.st_uid == uid and bool(st.st_mode & stat.S_IXUSR))


def _hidden_ancestors(path: Path, uid: int | None = None) -> list[tuple[Path, Path]]:
    """Every (ancestor an unprivileged user, or `uid`, cannot traverse, its child on the way
    to `path`), outermost first. `path`'s directory is resolved, its last component is not:
    a symlink is checked where it lies (check its target with a second call)."""
    path = Path(os.path.realpath(path.parent)) / path.name if path.name else Path(os.path.realpath(path))
    hits = []
    parts = path.parts
    cur = Path(parts[0])
    for part in parts[1:]:
        if not _traversable_by_others(cur, uid):
            hits.append((cur, cur / part))
        cur = cur / part
    return hits


def _hidden_ancestor(path: Path) -> tuple[Path, Path] | None:
    """(first ancestor an unprivileged user cannot traverse, its child on the way to `path`)."""
    hits = _hidden_ancestors(path.resolve())
    return hits[0] if hits else None


def exposures_for(executables: list[str]) -> list[str]:
    """bwrap arguments that let an unprivileged user run `executables` living under, e.g.,
    /root (mode 0700, where pyenv interpreters live): the closed directory becomes an empty
    tmpfs and only the subtree the executable needs is bound back read-only."""
    args: list[str] = []
    seen: set[Path] = set()
    for exe in executables:
        for p in sorted({Path(exe), Path(exe).resolve()}):
            if p.is_relative_to("/tmp") and p.exists():
                # /tmp is replaced by a private tmpfs: an interpreter living there (a virtualenv
                # made in /tmp, as CI does) is bound back read-only, with its whole environment.
                root = p.parent.parent if (p.parent.parent / "pyvenv.cfg").exists() else p.parent
                if root not in seen:
                    seen.add(root)
                    # Directories between /tmp and it may be closed (0700, like pytest's temp
                    # root): recreate them traversable inside the tmpfs, then bind.
                    for parent in reversed(root.parents):
                        if parent.is_relative_to("/tmp") and parent != Path("/tmp") and parent not in seen:
                            seen.add(parent)
                            args += ["--perms", "0755", "--dir", str(parent)]
                    args += ["--ro-bind", str(root), str(root)]
                continue
            hit = _hidden_ancestor(p)
            if hit is None:
                continue
            closed, child = hit
            if closed not in seen:
                seen.add(closed)
                args += ["--tmpfs", str(closed)]
            if child not in seen:
                seen.add(child)
                args += ["--ro-bind", str(child), str(child)]
    return args


def _runnable_by(path: str, uid: int, opened: Collection[Path] = ()) -> bool:
    """Can `uid` (not in any of the file's groups) traverse to and execute `path`? Directories
    in `opened` count as traversable (a mount namespace covers them with a 0755 tmpfs)."""
    p = Path(path).resolve()
    for d in list(p.parents)[::-1]:
        if d in opened:
            continue
        st = d.stat()
        if not (st.st_uid == uid and st.st_mode & stat.S_IXUSR) and not st.st_mode & stat.S_IXOTH:
            return False
    st = p.stat()
    return bool(st.st_mode & stat.S_IXOTH) or (st.st_uid == uid and bool(st.st_mode & stat.S_IXUSR))


# Run in a private mount namespace as root: for each closed directory (outermost first) bind it
# to a staging point, cover it with an empty tmpfs, recreate the named children and bind each
# back read-only from the staging point; detach the staging point and exec the rest
# ("$@": setpriv ... -- cmd).
# Arguments: MOUNT UMOUNT STAGE {CLOSED N NAME1..NAMEn}... -- COMMAND... (never in the text).
_MOUNT_SCRIPT = r"""set -eu
mount=$1 umount=$2 stage=$3
shift 3
"$mount" -t tmpfs -o mode=0700 none "$stage"
k=0
while [ "$1" != -- ]; do
    closed=$1 n=$2
    shift 2
    k=$((k + 1))
    mkdir "$stage/$k"
    "$mount" --rbind "$closed" "$stage/$k"
    "$mount" -t tmpfs -o mode=0755,nosuid,nodev none "$closed"
    while [ "$n" -gt 0 ]; do
        name=$1
        shift
        n=$((n - 1))
        if [ -d "$stage/$k/$name" ]; then mkdir "$closed/$name"; else : > "$closed/$name"; fi
        "$mount" --rbind "$stage/$k/$name" "$closed/$name"
        "$mount" -o remount,bind,ro "$closed/$name"
    done
done
shift
"$umount" -l "$stage"
exec "$@"
"""


def _setpriv_args(uid: int) -> list[str]:
    return [shutil.which("setpriv") or "setpriv", f"--reuid={uid}", f"--regid={uid}", "--clear-groups",
            "--no-new-privs", "--inh-caps=-all", "--bounding-set=-all"]


def _mountns_plan(paths: Sequence[str], uid: int) -> list[tuple[Path, list[str]]]:
    """(closed directory, names of its children to bind back), outermost first, so that `uid`
    reaches every one of `paths` (each as given and resolved)."""
    plan: dict[Path, list[str]] = {}
    for path in paths:
        for p in (Path(path), Path(path).resolve()):
            for closed, child in _hidden_ancestors(p, uid):
                names = plan.setdefault(closed, [])
                if child.name not in names:
                    names.append(child.name)
    return sorted(plan.items(), key=lambda item: len(item[0].parts))


def _mountns_command(stage: Path, plan: list[tuple[Path, list[str]]], rest: list[str]) -> list[str]:
    args: list[str] = []
    for closed, names in plan:
        args += [str(closed), str(len(names)), *names]
    return [shutil.which("unshare") or "unshare", "--mount", "--propagation", "private", "--",
            "/bin/sh", "-c", _MOUNT_SCRIPT, "sh", shutil.which("mount") or "mount", shutil.which("umount") or "umount",
            str(stage),
            *args, "--", *rest]


# ---------------------------------------------------------------- session

def scrubbed_env(run_dir: Path, extra: Mapping[str, str] | None = None) -> dict[str, str]:
    env = {
        "PATH": SAFE_PATH,
        "HOME": str(run_dir),
        "TMPDIR": str(run_dir),
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONHASHSEED": "0",
        "PYTHONIOENCODING": "utf-8",
        "PYTHONUNBUFFERED": "1",
        "MPLBACKEND": "Agg",  # no display in the sandbox: matplotlib must not look for one
    }
    if extra:
        env.update(extra)
    return env


class SandboxSession:
    """A run directory (and, as root, an unprivileged uid) kept across several runs, e.g.
    `javac` then one `java` per seed. Use as a context manager; `run_sandboxed` is the one-shot form."""

    def __init__(self, files: Mapping[str, str | bytes] | None = None, *, isolation: Isolation = "auto") -> None:
        self.isolation = resolve_isolation(isolation)
        self._slot = _UidSlot() if is_root() else None
        self.uid = self._slot.uid if self._slot else os.getuid()
        self.path = Path(tempfile.mkdtemp(prefix="biocoder-sb-")).resolve()
        self._stage: Path | None = None  # root's private staging point for a mount namespace
        if self._slot:
            os.chown(self.path, self.uid, self.uid)
        os.chmod(self.path, 0o700)
        if files:
            try:
                self.write(files)
            except BaseException:
                self.close()  # a refused file name must not leak the run directory or the uid
                raise

    def __enter__(self) -> "SandboxSession":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._slot:
            self._slot.release()
            self._slot = None
        if self._stage:
            _rmdir_quietly(self._stage)
            self._stage = None
        shutil.rmtree(self.path, ignore_errors=True)

    def write(self, files: Mapping[str, str | bytes]) -> None:
        for name, content in files.items():
            target = (self.path / name).resolve()
            if self.path not in target.parents:
                raise SandboxError(f"file name escapes the run directory: {name!r}")
            target.parent.mkdir(parents=True, exist_ok=True)
            data = content.encode("utf-8") if isinstance(content, str) else content
            target.write_bytes(data)
            if self._slot:
                os.chown(target, self.uid, self.uid)
                for parent in target.parents:
                    if parent == self.path:
                        break
                    os.chown(parent, self.uid, self.uid)

    def run(
        self,
        cmd: list[str],
        *,
        timeout: float = 10.0,
        memory_mb: int = 1024,
        max_output: int = 1_000_000,
        cpu_seconds: int | None = None,
        max_procs: int = 64,
        max_file_mb: int = 64,
        max_open_files: int = 256,
        env_extra: Mapping[str, str] | None = None,
        network: bool = False,
        readable: Sequence[str] = (),
    ) -> SandboxResult:
        """Run `cmd` in the session's directory; `readable` are paths outside it the command
        reads (a Java classpath's jars), made visible like the executable itself."""
        if not cmd:
            raise SandboxError("empty command")
        exe = cmd[0] if os.sep in cmd[0] else shutil.which(cmd[0], path=SAFE_PATH)
        if exe is None:
            raise SandboxError(f"command not found: {cmd[0]}")
        cmd = [exe, *cmd[1:]]
        cpu = cpu_seconds if cpu_seconds is not None else int(timeout) + 1
        if not self._slot:
            # RLIMIT_NPROC counts every task (threads too) of the real uid, so a non-root user's
            # other processes count: allow that many more. (As root each run has its own uid.)
            max_procs += _task_count(self.uid)
        limits = {
            "as": memory_mb << 20,
            "cpu": max(1, cpu),
            "nproc": max_procs,
            "fsize": max_file_mb << 20,
            "nofile": max_open_files,
            "core": 0,
        }
        full, popen_kw = self._command(cmd, limits, network, readable)
        started = time.monotonic()
        try:
            proc = subprocess.Popen(
                full,
                cwd=self.path,
                env=scrubbed_env(self.path, env_extra),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                start_new_session=True,
                close_fds=True,
                **popen_kw,
            )
        except OSError as exc:
            raise SandboxError(f"cannot start {full[0]}: {exc}") from exc
        try:
            out, err, ended_by = _collect(proc, started + timeout, max_output)
        finally:
            _kill_group(proc)
            if self._slot:
                kill_uid(self.uid)
            proc.wait()
            proc.stdout.close()
            proc.stderr.close()
        seconds = time.monotonic() - started
        code = proc.returncode
        if self.isolation == "bwrap" and code is not None and 128 < code < 160:
            code = -(code - 128)  # bwrap reports a child killed by signal N as exit 128+N
        stdout = bytes(out[:max_output]).decode("utf-8", errors="replace")
        stderr = bytes(err[:max_output]).decode("utf-8", errors="replace")
        status = _status(ended_by, code, stderr)
        return SandboxResult(
            status=status, exit_code=code, stdout=stdout, stderr=stderr, seconds=seconds,
            stdout_truncated=len(out) > max_output, stderr_truncated=len(err) > max_output,
            isolation=self.isolation,
        )

    def _command(self, cmd: list[str], limits: dict[str, int], network: bool,
                 readable: Sequence[str] = ()) -> tuple[list[str], dict]:
        popen_kw: dict = {}
        prefix: list[str] = []
        prlimit = shutil.which("prlimit")
        if prlimit:
            prefix = [prlimit, *(f"--{k}={v}" for k, v in limits.items()), "--"]
        else:
            popen_kw["preexec_fn"] = _rlimit_setter(limits)
        if self.isolation == "bwrap":
            bw = [
                shutil.which("bwrap") or "bwrap",
                "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "--tmpfs", "/tmp",
                *exposures_for([cmd[0], *readable]),
                "--bind", str(self.path), str(self.path), "--chdir", str(self.path),
                "--unshare-pid", "--unshare-ipc", "--unshare-uts", "--die-with-parent", "--new-session",
            ]
            if not network:
                bw.append("--unshare-net")
            if self._slot:
                bw += ["--", *_setpriv_args(self.uid)]
            return [*prefix, *bw, "--", *cmd], popen_kw
        if self._slot:
            exe = os.path.join(self.path, cmd[0])  # cmd[0] relative: to the run directory
            plan = _mountns_plan([exe, *readable], self.uid)
            if plan and unshare_available() and _runnable_by(exe, self.uid, {closed for closed, _ in plan}):
                return [*prefix, *self._mountns(plan, cmd)], popen_kw
            if not _runnable_by(exe, self.uid):
                raise SandboxError(
                    f"{cmd[0]} cannot be run by the unprivileged sandbox user (a parent directory such as "
                    "/root is closed); install bubblewrap, run where `unshare --mount` works (root with "
                    "CAP_SYS_ADMIN) to expose it through a private mount namespace, or use an "
                    "interpreter outside it"
                )
            popen_kw.update(user=self.uid, group=self.uid, extra_groups=[])
        return [*prefix, *cmd], popen_kw

    def _mountns(self, plan: list[tuple[Path, list[str]]], cmd: list[str]) -> list[str]:
        """`cmd` as the sandbox uid in a private mount namespace where the closed directories
        of `plan` show only the children on the way to what it needs, read-only."""
        global _warned_mountns
        if not _warned_mountns:
            _warned_mountns = True
            log.info("without bubblewrap, a private mount namespace (unshare --mount) exposes %s read-only "
                     "to the unprivileged sandbox user", ", ".join(str(c / n) for c, names in plan for n in names))
        if self._stage is None:
            self._stage = Path(tempfile.mkdtemp(prefix="biocoder-sb-stage-"))  # root's, mode 0700
        return _mountns_command(self._stage, plan, [*_setpriv_args(self.uid), "--", *cmd])


def _rlimit_setter(limits: dict[str, int]):
    import resource

    names = {"as": resource.RLIMIT_AS, "cpu": resource.RLIMIT_CPU, "nproc": resource.RLIMIT_NPROC,
             "fsize": resource.RLIMIT_FSIZE, "nofile": resource.RLIMIT_NOFILE, "core": resource.RLIMIT_CORE}

    def setter() -> None:
        for key, value in limits.items():
            resource.setrlimit(names[key], (value, value))

    return setter


def _collect(proc: subprocess.Popen, deadline: float, max_output: int) -> tuple[bytearray, bytearray, str]:
    """Read both pipes in chunks until EOF, the deadline or the output cap.
    Returns (stdout, stderr, ended_by) with ended_by in {"exit", "timeout", "output_limit"}."""
    bufs = {proc.stdout: bytearray(), proc.stderr: bytearray()}
    sel = selectors.DefaultSelector()
    for pipe in bufs:
        os.set_blocking(pipe.fileno(), False)
        sel.register(pipe, selectors.EVENT_READ)
    ended_by = "exit"
    exited_at: float | None = None
    try:
        while sel.get_map():
            now = time.monotonic()
            if now >= deadline:
                ended_by = "timeout"
                break
            if exited_at is None and proc.poll() is not None:
                exited_at = now
            if exited_at is not None and now - exited_at > 0.5:
                break  # the program is gone; stragglers holding the pipes get killed
            for key, _ in sel.select(timeout=min(0.1, deadline - now)):
                try:
                    chunk = os.read(key.fileobj.fileno(), 65536)
                except BlockingIOError:
                    continue
                if not chunk:
                    sel.unregister(key.fileobj)
                    continue
                buf = bufs[key.fileobj]
                buf += chunk
                if len(buf) > max_output:
                    ended_by = "output_limit"
                    return bufs[proc.stdout], bufs[proc.stderr], ended_by
    finally:
        sel.close()
        if ended_by != "exit" or proc.poll() is None:
            _kill_group(proc)
    if ended_by == "exit":
        try:
            proc.wait(timeout=max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            ended_by = "timeout"
    return bufs[proc.stdout], bufs[proc.stderr], ended_by


def _kill_group(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def _status(ended_by: str, code: int | None, stderr: str) -> str:
    if ended_by in ("timeout", "output_limit"):
        return ended_by
    if code == 0:
        return "ok"
    if code is not None and code < 0 and -code == signal.SIGXCPU:
        return "timeout"
    if any(m in stderr for m in _MEMORY_MARKERS):
        return "memory"
    if code is not None and code < 0:
        return "killed"
    return "error"


def run_sandboxed(
    cmd: list[str],
    files: Mapping[str, str | bytes] | None = None,
    *,
    timeout: float = 10.0,
    memory_mb: int = 1024,
    max_output: int = 1_000_000,
    cpu_seconds: int | None = None,
    max_procs: int = 64,
    max_file_mb: int = 64,
    env_extra: Mapping[str, str] | None = None,
    network: bool = False,
    isolation: Isolation = "auto",
) -> SandboxResult:
    """Run `cmd` in a fresh run directory holding `files` (see the module docstring)."""
    with SandboxSession(files, isolation=isolation) as session:
        return session.run(
            cmd, timeout=timeout, memory_mb=memory_mb, max_output=max_output, cpu_seconds=cpu_seconds,
            max_procs=max_procs, max_file_mb=max_file_mb, env_extra=env_extra, network=network,
        )
