"""Settings for edflows, from the environment (and a `.env` file) through pydantic-settings.

The Neo4j connection uses the variables every Neo4j tool knows (`NEO4J_URI`, `NEO4J_USER`,
`NEO4J_PASSWORD`, `NEO4J_DATABASE`); everything else of edflows' own starts with `EDFLOWS_`.
When `NEO4J_URI` is unset, edflows talks to its own local server (`edflows neo4j start`).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from pydantic import AliasChoices, Field, ValidationError, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from graph.errors import EdflowsError

PLACEHOLDER_PASSWORD = "edflows-local-only"
LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}


class Settings(BaseSettings):
    """Every setting edflows reads; each field documents its environment variable."""

    model_config = SettingsConfigDict(env_prefix="EDFLOWS_", env_file=".env", extra="ignore")

    neo4j_uri: str | None = Field(
        default=None,
        validation_alias=AliasChoices("NEO4J_URI"),
        description="Bolt or routing URI of an existing Neo4j (bolt://, neo4j://, neo4j+s://). "
        "Unset: use the local server that `edflows neo4j start` runs.",
    )
    neo4j_user: str = Field(
        default="neo4j",
        validation_alias=AliasChoices("NEO4J_USER", "NEO4J_USERNAME"),
        description="Neo4j user name.",
    )
    neo4j_password: str = Field(
        default=PLACEHOLDER_PASSWORD,
        validation_alias=AliasChoices("NEO4J_PASSWORD"),
        description="Neo4j password. The default is refused for any non-loopback server.",
    )
    neo4j_database: str = Field(
        default="neo4j",
        validation_alias=AliasChoices("NEO4J_DATABASE"),
        description="Database name; always passed explicitly to the driver.",
    )
    state_dir: Path = Field(
        default=Path(".edflows"),
        description="EDFLOWS_STATE_DIR: where the local server keeps its jars, data and logs.",
    )
    shared_data: Path = Field(
        default=Path("../shared/data"),
        description="EDFLOWS_SHARED_DATA: the folder of real public data files that "
        "`edflows up` loads (schools, local authorities, NPD metadata and releases, suppliers).",
    )
    lib_dir: Path | None = Field(
        default=None,
        description="EDFLOWS_LIB_DIR: where Neo4j's jars are cached (default: <state dir>/lib).",
    )
    bolt_port: int = Field(
        default=7687,
        ge=1,
        le=65535,
        description="EDFLOWS_BOLT_PORT: loopback port of the local server's Bolt connector.",
    )
    heap: str = Field(
        default="3g",
        pattern=r"^[0-9]+[kmgKMG]$",
        description="EDFLOWS_HEAP: JVM heap of the local server. A load is one transaction and "
        "Neo4j keeps it in the heap (70% at most): reloading the school list needs over 1.4 GiB.",
    )
    pagecache: str = Field(
        default="2g",
        pattern=r"^[0-9]+[kmgKMG]$",
        description="EDFLOWS_PAGECACHE: Neo4j page cache of the local server.",
    )
    start_timeout: float = Field(
        default=180.0,
        gt=0,
        description="EDFLOWS_START_TIMEOUT: seconds `neo4j start` waits for Bolt to answer "
        "(the first start also downloads Neo4j's jars).",
    )
    query_timeout: float = Field(
        default=20.0,
        gt=0,
        description="EDFLOWS_QUERY_TIMEOUT: seconds after which a read query is cancelled.",
    )
    connect_timeout: float = Field(
        default=2.0,
        gt=0,
        description="EDFLOWS_CONNECT_TIMEOUT: seconds to open a connection to Neo4j before it "
        "counts as unreachable (raise it for a distant server).",
    )
    retry_time: float = Field(
        default=10.0,
        ge=0,
        description="EDFLOWS_RETRY_TIME: seconds a transaction is retried after a transient "
        "error (a deadlock, a leader switch); an unreachable server is not waited for.",
    )
    unavailable_retry_time: float = Field(
        default=0.3,
        ge=0,
        description="EDFLOWS_UNAVAILABLE_RETRY_TIME: seconds edflows retries when Neo4j cannot "
        "be reached, before it answers 503 (a cluster's routing table may need a refresh).",
    )
    write_limit: int = Field(
        default=60,
        ge=1,
        description="EDFLOWS_WRITE_LIMIT: writes each token may make a minute (then 429).",
    )
    signin_limit: int = Field(
        default=10,
        ge=1,
        description="EDFLOWS_SIGNIN_LIMIT: sign-in attempts a client may make a minute.",
    )
    max_body_bytes: int = Field(
        default=5_000_000,
        gt=0,
        description="EDFLOWS_MAX_BODY_BYTES: larger request bodies are refused (413).",
    )

    @model_validator(mode="after")
    def _refuse_placeholder_password_off_loopback(self) -> Settings:
        if self.neo4j_uri and self.neo4j_password == PLACEHOLDER_PASSWORD:
            host = urlparse(self.neo4j_uri).hostname or ""
            if host not in LOOPBACK_HOSTS:
                raise ValueError(
                    f"NEO4J_URI points at {host!r}, a non-local server, but NEO4J_PASSWORD is "
                    "unset: set NEO4J_PASSWORD to that server's password."
                )
        return self

    @classmethod
    def for_server(cls, uri: str, user: str, password: str, database: str = "neo4j") -> Settings:
        """Settings that point at one given server (tests, tools), other fields as usual."""
        values: dict[str, Any] = {
            "NEO4J_URI": uri,
            "NEO4J_USER": user,
            "NEO4J_PASSWORD": password,
            "NEO4J_DATABASE": database,
        }
        return cls(**values)

    @property
    def uses_local_server(self) -> bool:
        """True when edflows should talk to (and may start) its own local Neo4j."""
        return not self.neo4j_uri

    @property
    def effective_uri(self) -> str:
        """The URI the driver connects to."""
        return self.neo4j_uri or f"bolt://127.0.0.1:{self.bolt_port}"


class SettingsError(EdflowsError):
    """A setting from the environment (or `.env`) is missing or malformed."""


def describe(error: ValidationError) -> SettingsError:
    """One line per bad setting, naming its environment variable and what to do."""
    lines = []
    for item in error.errors():
        where = ".".join(str(part) for part in item["loc"])
        variable = where.upper() if where.upper().startswith("NEO4J_") else ""
        if where and not variable:
            variable = f"EDFLOWS_{where.upper()}"
        text = str(item["msg"]).removeprefix("Value error, ")
        lines.append(f"{variable}: {text}" if variable else text)
    return SettingsError(
        "bad setting: " + "; ".join(lines),
        "Settings come from the environment and a .env file; `edflows --help` and the README's "
        "'Three ways to a Neo4j' table list them.\n" + str(error),
    )


def load_settings(**values: Any) -> Settings:
    """Settings from the environment, or a SettingsError of one line (never a traceback)."""
    try:
        return Settings(**values)
    except ValidationError as exc:
        raise describe(exc) from None


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once; a bad setting is a SettingsError."""
    return load_settings()
