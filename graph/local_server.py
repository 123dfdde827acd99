"""The local Neo4j server: a real Neo4j 5.26 Community process on loopback, without Docker.

Neo4j's official jars are resolved from Maven Central by `graph/neo4j_server/pom.xml` into a
git-ignored folder (`<state dir>/lib`, with Maven's own cache in `<state dir>/m2`), then
`Neo4jServer.java` runs as a single-file Java program with those jars on the class path. The
process writes a pid file; `status` checks the pid, that the process really is ours, and that
Bolt answers, so it tells the truth after a crash too.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from neo4j import GraphDatabase
from neo4j.exceptions import AuthError, Neo4jError, ServiceUnavailable

from graph.errors import EdflowsError
from graph.settings import Settings

NEO4J_VERSION = "5.26.30"
_LAUNCHER = "Neo4jServer.java"
ADMIN_TOOL = "org.neo4j.cli.AdminTool"  # neo4j-admin's main class (neo4j-command-line jar)


@dataclass(frozen=True)
class ServerStatus:
    """What `status` found: state is running, stopped, crashed or unresponsive."""

    state: str
    pid: int | None
    uri: str
    detail: str

    @property
    def running(self) -> bool:
        return self.state == "running"


class LocalNeo4j:
    """One local Neo4j server: its jar cache, home folder, port and password."""

    def __init__(
        self,
        home: Path,
        lib_dir: Path,
        port: int,
        password: str,
        heap: str = "2g",
        pagecache: str = "2g",
        log: Callable[[str], None] = print,
    ) -> None:
        self.home = home.resolve()
        self.lib_dir = lib_dir.resolve()
        self.port = port
        self.password = password
        self.heap = heap
        self.pagecache = pagecache
        self.log = log

    @property
    def uri(self) -> str:
        return f"bolt://127.0.0.1:{self.port}"

    @property
    def classpath(self) -> str:
        """Neo4j's jars, as `java -cp` takes them: the server and its admin tool both run so."""
        return str(self.lib_dir / "*")

    def admin_command(self, args: list[str]) -> list[str]:
        """The command line of Neo4j's own `neo4j-admin` (`org.neo4j.cli.AdminTool`, in the same
        jars) with `args`: run it with NEO4J_HOME (and NEO4J_CONF) set to this server's home,
        while the server is stopped (`admin_env`)."""
        return ["java", "-Xmx512m", "-cp", self.classpath, ADMIN_TOOL, *args]

    def admin_env(self) -> dict[str, str]:
        """The environment for `admin_command`: this home as Neo4j's home and its conf folder."""
        conf = self.home / "conf"
        conf.mkdir(parents=True, exist_ok=True)
        return {**os.environ, "NEO4J_HOME": str(self.home), "NEO4J_CONF": str(conf)}

    @property
    def pid_file(self) -> Path:
        return self.home / "server.pid"

    @property
    def launcher_log(self) -> Path:
        return self.home / "logs" / "launcher.log"

    # -- public operations ------------------------------------------------------------------

    def start(self, timeout: float = 180.0) -> ServerStatus:
        """Start the server and return once Bolt answers; a no-op when it already runs."""
        current = self.status()
        if current.running:
            self.log(f"Neo4j is already running (pid {current.pid}) at {self.uri}; nothing to do.")
            return current
        if current.state in {"crashed", "unresponsive"}:
            if current.state == "unresponsive" and current.pid is not None:
                self._terminate(current.pid)
            self.pid_file.unlink(missing_ok=True)
        if _port_in_use(self.port):
            raise EdflowsError(
                f"port {self.port} on 127.0.0.1 is taken by another program",
                "Stop that program, or choose another port with EDFLOWS_BOLT_PORT.",
            )
        self.ensure_jars()
        pid = self._spawn()
        self.log(f"Starting Neo4j {NEO4J_VERSION} (pid {pid}) at {self.uri} ...")
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not _alive(pid):
                self.pid_file.unlink(missing_ok=True)
                raise EdflowsError(
                    "Neo4j exited while starting",
                    f"Last lines of {self.launcher_log}:\n{self._log_tail()}",
                )
            if self._launcher_ready() and self._bolt_answers():
                self.log(f"Neo4j is ready at {self.uri}.")
                return self.status()
            time.sleep(0.5)
        self._terminate(pid)
        self.pid_file.unlink(missing_ok=True)
        raise EdflowsError(
            f"Neo4j did not answer on {self.uri} within {timeout:.0f} s",
            f"Last lines of {self.launcher_log}:\n{self._log_tail()}",
        )

    def stop(self, timeout: float = 60.0) -> bool:
        """Stop the server cleanly; returns False (with a message) when it was not running."""
        pid = self._read_pid()
        if pid is None or not self._is_ours(pid):
            self.pid_file.unlink(missing_ok=True)
            self.log("Neo4j is not running; nothing to stop.")
            return False
        self.log(f"Stopping Neo4j (pid {pid}) ...")
        self._terminate(pid, timeout)
        self.pid_file.unlink(missing_ok=True)
        self.log("Neo4j stopped.")
        return True

    def status(self) -> ServerStatus:
        """The truth about the server: checks the pid file, the process and Bolt."""
        pid = self._read_pid()
        if pid is None:
            return ServerStatus("stopped", None, self.uri, "not running")
        if not self._is_ours(pid):
            return ServerStatus(
                "crashed", pid, self.uri, f"pid file names {pid} but that process is gone"
            )
        if self._bolt_answers():
            return ServerStatus("running", pid, self.uri, f"running (pid {pid}) at {self.uri}")
        return ServerStatus(
            "unresponsive", pid, self.uri, f"process {pid} is alive but Bolt does not answer"
        )

    def ensure_jars(self) -> None:
        """Resolve Neo4j's jars from Maven Central once; later starts reuse them."""
        marker = self.lib_dir / f".neo4j-{NEO4J_VERSION}"
        if marker.exists():
            return
        _require_tool("java", "Java 17 or 21 (Debian: apt-get install openjdk-17-jre-headless)")
        _require_tool("mvn", "Maven (Debian: apt-get install maven)")
        pom = resources.files("graph.neo4j_server").joinpath("pom.xml")
        self.lib_dir.mkdir(parents=True, exist_ok=True)
        self.log(f"Fetching Neo4j {NEO4J_VERSION} from Maven Central into {self.lib_dir} ")
        self.log("(first start only; about 130 MB) ...")
        cmd = [
            "mvn",
            "-B",
            "-ntp",
            "-f",
            str(pom),
            f"-Dmaven.repo.local={self.lib_dir.parent / 'm2'}",
            "dependency:copy-dependencies",
            f"-DoutputDirectory={self.lib_dir}",
        ]
        proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
        if proc.returncode != 0:
            tail = "\n".join((proc.stdout + proc.stderr).splitlines()[-25:])
            raise EdflowsError(
                "Maven could not fetch Neo4j's jars from Maven Central",
                f"Check the network and Maven settings, then start again.\n{tail}",
            )
        jars = len(list(self.lib_dir.glob("*.jar")))
        marker.write_text(f"{jars} jars\n")
        self.log(f"Fetched {jars} jars.")

    # -- helpers ------------------------------------------------------------------------------

    def _spawn(self) -> int:
        for sub in ("data", "logs", "import"):
            (self.home / sub).mkdir(parents=True, exist_ok=True)
        conf = self.home / "neo4j.conf"
        conf.write_text(
            "\n".join(
                [
                    "# Written by edflows (graph/local_server.py) at every start.",
                    "server.bolt.enabled=true",
                    f"server.bolt.listen_address=127.0.0.1:{self.port}",
                    f"server.bolt.advertised_address=127.0.0.1:{self.port}",
                    "server.bolt.tls_level=DISABLED",
                    "dbms.security.auth_enabled=true",
                    f"server.memory.pagecache.size={self.pagecache}",
                    f"server.directories.import={self.home / 'import'}",
                    "db.transaction.timeout=0",
                    # enforce each query's own timeout within 0.1 s, not the default 2 s
                    "db.transaction.monitor.check.interval=100ms",
                    "dbms.usage_report.enabled=false",
                    "",
                ]
            )
        )
        pw_file = self.home / "password"
        pw_file.touch(mode=0o600, exist_ok=True)
        pw_file.chmod(0o600)
        pw_file.write_text(self.password)
        launcher = resources.files("graph.neo4j_server").joinpath(_LAUNCHER)
        cmd = [
            "java",
            f"-Xms{self.heap}",
            f"-Xmx{self.heap}",
            "-XX:+UseG1GC",
            "-XX:+ExitOnOutOfMemoryError",
            "-Dfile.encoding=UTF-8",
            "-cp",
            self.classpath,
            str(launcher),
            str(self.home),
            str(conf),
            str(pw_file),
        ]
        if self.launcher_log.exists():
            self.launcher_log.replace(self.launcher_log.with_suffix(".log.1"))
        with self.launcher_log.open("wb") as out:
            proc = subprocess.Popen(
                cmd,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                cwd=self.home,
            )
        self.pid_file.write_text(str(proc.pid))
        return proc.pid

    def _bolt_answers(self) -> bool:
        try:
            with GraphDatabase.driver(
                self.uri, auth=("neo4j", self.password), connection_timeout=2.0
            ) as driver:
                driver.verify_connectivity()
            return True
        except (ServiceUnavailable, OSError):
            return False
        except AuthError as exc:
            if not self._launcher_ready():
                return False  # the password is set just after Bolt opens: not ready yet
            raise EdflowsError(
                f"Neo4j at {self.uri} refused the configured password",
                "Set NEO4J_PASSWORD to the password this server was first started with, "
                "or stop it and start again (the password is set at every start).",
            ) from exc
        except Neo4jError:
            return False  # e.g. the rate limit after failed logins: it answers, but not yet to us

    def _launcher_ready(self) -> bool:
        """True once the launcher has set the password and printed READY."""
        try:
            return "READY" in self.launcher_log.read_text(errors="replace")
        except OSError:
            return False

    def _read_pid(self) -> int | None:
        try:
            return int(self.pid_file.read_text().strip())
        except (FileNotFoundError, ValueError):
            return None

    def _is_ours(self, pid: int) -> bool:
        """True when pid is alive and runs this home's launcher (guards against pid reuse)."""
        if not _alive(pid):
            return False
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        except OSError:
            return True  # no /proc (macOS): trust the live pid
        return (
            any(_LAUNCHER.encode() in part for part in cmdline)
            and str(self.home).encode() in cmdline
        )

    def _terminate(self, pid: int, timeout: float = 60.0) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        while _alive(pid) and time.monotonic() < deadline:
            time.sleep(0.2)
        if _alive(pid):
            self.log(f"Neo4j (pid {pid}) did not stop within {timeout:.0f} s; killing it.")
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
            while _alive(pid):
                time.sleep(0.1)

    def _log_tail(self, lines: int = 20) -> str:
        try:
            return "\n".join(self.launcher_log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no launcher log)"


def free_port() -> int:
    """A free TCP port on 127.0.0.1 (for throwaway test servers)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _port_in_use(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def _alive(pid: int) -> bool:
    """True when pid is a live process (a zombie child counts as dead)."""
    try:
        waited, _ = os.waitpid(pid, os.WNOHANG)
        if waited == pid:
            return False
    except ChildProcessError:
        pass
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        return stat.rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return True


def _require_tool(name: str, what: str) -> None:
    if shutil.which(name) is None:
        raise EdflowsError(f"`{name}` was not found on PATH: install {what}.")


def from_settings(settings: Settings, log: Callable[[str], None] = print) -> LocalNeo4j:
    """The local server that the settings describe (state dir, port, password, memory)."""
    state = settings.state_dir
    return LocalNeo4j(
        home=state / "neo4j",
        lib_dir=settings.lib_dir or state / "lib",
        port=settings.bolt_port,
        password=settings.neo4j_password,
        heap=settings.heap,
        pagecache=settings.pagecache,
        log=log,
    )
