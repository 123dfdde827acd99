"""The one door to Neo4j: a driver created once, queries run by name, reads routed as reads.

Routes, loaders and the CLI never hold a driver or a query string; they call a `Database`
(or a service built on it). Works with a local `bolt://` server and with `neo4j://` /
`neo4j+s://` routing URIs (clusters, Aura): read queries go to readers, writes to the leader,
and every session and query of one `Database` shares ONE bookmark manager, so a read that
follows a write (the cache's generation read after an edit) sees that write on any member.

Failing fast: the driver's own retry loop is switched off (it waits up to its retry time,
logging "Transaction failed and will be retried", when the server is simply down). edflows
retries here instead: transient errors (deadlocks, a leader switch) for `retry_time`, an
unreachable server only for `unavailable_retry_time` (a fraction of a second), then
`DatabaseUnavailable`. The same driver recovers by itself once the server is back.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from neo4j import (
    Driver,
    GraphDatabase,
    ManagedTransaction,
    Query,
    Record,
    RoutingControl,
    Session,
    unit_of_work,
)
from neo4j.exceptions import (
    AuthError,
    ClientError,
    DriverError,
    Neo4jError,
    ServiceUnavailable,
    SessionExpired,
)

from graph.errors import DatabaseUnavailable, EdflowsError
from graph.queries import query, statements
from graph.settings import Settings
from graph.terms import fold_rows

T = TypeVar("T")
Row = dict[str, Any]
log = logging.getLogger("edflows.db")

QUERY_TIMEOUT_CODES = (
    "Neo.ClientError.Transaction.TransactionTimedOut",
    "Neo.ClientError.Transaction.TransactionTimedOutClientConfiguration",
)


class QueryTimeout(EdflowsError):
    """A read query ran longer than the configured limit and was cancelled."""


class Database:
    """A Neo4j driver plus the database name, with named-query helpers."""

    def __init__(self, settings: Settings, driver: Driver | None = None) -> None:
        self.settings = settings
        self.database = settings.neo4j_database
        self.uri = settings.effective_uri
        self.driver = driver or GraphDatabase.driver(
            self.uri,
            auth=(settings.neo4j_user, settings.neo4j_password),
            connection_timeout=settings.connect_timeout,
            connection_acquisition_timeout=max(10.0, 2 * settings.connect_timeout),
            max_transaction_retry_time=-1.0,  # one attempt: `_retrying` decides (see above)
            notifications_min_severity="OFF",
        )
        # causal chaining: every session and query of this Database sees the writes before it
        self.bookmarks = GraphDatabase.bookmark_manager()

    def close(self) -> None:
        self.driver.close()

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- queries by name ----------------------------------------------------------------------

    def read(self, name: str, timeout: float | None = None, **params: Any) -> list[Row]:
        """Run `cypher/<name>.cypher` as a read (sent to a reader on a cluster)."""
        return self._run(name, params, RoutingControl.READ, timeout or self.settings.query_timeout)

    def read_plain(self, name: str, timeout: float | None = None, **params: Any) -> list[Row]:
        """`read` for queries that return only values, maps and lists (no nodes, relationships
        or paths): the rows as they come, without walking every value to convert graph
        entities. The reach steps return thousands of flows' properties this way."""
        timeout = timeout or self.settings.query_timeout
        return self._run(name, params, RoutingControl.READ, timeout, plain=True)

    def read_each(
        self, name: str, convert: Callable[[Record], T], timeout: float | None = None, **params: Any
    ) -> list[T]:
        """`read` that turns each record into what the caller keeps AS IT ARRIVES: no list of
        every record and its values is ever held (an NPD upstream step is 70,000 flows)."""
        text = query(name)

        def work(tx: ManagedTransaction) -> list[T]:
            return [convert(record) for record in tx.run(text, params)]

        return self.read_tx(work, timeout)

    def write(self, name: str, **params: Any) -> list[Row]:
        """Run `cypher/<name>.cypher` as a write in its own transaction."""
        return self._run(name, params, RoutingControl.WRITE, None)

    def read_tx(self, work: Callable[[ManagedTransaction], T], timeout: float | None = None) -> T:
        """Run several reads in one read transaction (retried on transient errors), cancelled
        by the server after `timeout` seconds (default: the query timeout setting)."""
        limited = unit_of_work(timeout=timeout or self.settings.query_timeout)(work)

        def attempt() -> T:
            with self._session() as session:
                return session.execute_read(limited)

        return self._retrying(attempt)

    def write_tx(self, work: Callable[[ManagedTransaction], T]) -> T:
        """Run `work` in ONE write transaction (sent to the leader): all of it lands, or none
        of it. Retried from the start after a transient error, so `work` must only write."""

        def attempt() -> T:
            with self._session() as session:
                return session.execute_write(work)

        return self._retrying(attempt)

    # -- administration ---------------------------------------------------------------------

    def apply_schema(self) -> int:
        """Create every constraint and index of `cypher/schema.cypher` that is missing."""

        def attempt() -> None:
            with self._session() as session:
                for text in statements("schema"):
                    session.run(text).consume()
                session.run("CALL db.awaitIndexes(120)").consume()

        self._retrying(attempt)
        return len(statements("schema"))

    def ping(self) -> Row:
        """The server's name, version and edition."""
        rows = self.read("ping")
        return rows[0]

    def wipe(self, keep_trail: bool = False) -> dict[str, int]:
        """Delete everything in the database (tests, `edflows db reset --all`); with
        `keep_trail`, everything but the audit trail and the tokens (`edflows db reset`).
        Returns what was kept: the counts of audit entries and tokens (0 without keep_trail)."""
        name = "wipe_knowledge" if keep_trail else "wipe_database"

        def attempt() -> None:
            with self._session() as session:
                session.run(query(name)).consume()

        self._retrying(attempt)
        if not keep_trail:
            return {"audit_entries": 0, "tokens": 0}
        kept = self.read("count_kept")[0]
        return {"audit_entries": int(kept["audit_entries"]), "tokens": int(kept["tokens"])}

    # -- helpers ------------------------------------------------------------------------------

    def _run(
        self,
        name: str,
        params: dict[str, Any],
        routing: RoutingControl,
        timeout: float | None,
        plain: bool = False,
    ) -> list[Row]:
        text = query(name)
        q: Query | str = Query(text, timeout=timeout) if timeout else text

        def attempt() -> list[Record]:
            records, _, _ = self.driver.execute_query(
                q,
                params,
                routing_=routing,
                database_=self.database,
                bookmark_manager_=self.bookmarks,
            )
            return records

        records = self._retrying(attempt)
        if plain:
            rows = [dict(zip(record.keys(), record.values(), strict=True)) for record in records]
        else:
            rows = [record.data() for record in records]
        return fold_rows(rows)

    @contextmanager
    def _session(self) -> Iterator[Session]:
        with self.driver.session(database=self.database, bookmark_manager=self.bookmarks) as s:
            yield s

    def _retrying(self, attempt: Callable[[], T]) -> T:
        """Run `attempt` (one transaction), again after a retryable error while time is left:
        `retry_time` for transient errors, `unavailable_retry_time` for an unreachable server.
        Failures come out as the errors edflows shows people (`_guard`)."""
        start = time.monotonic()
        delay = 0.05
        with self._guard():
            while True:
                try:
                    return attempt()
                except (ServiceUnavailable, SessionExpired) as exc:
                    failure: Exception = exc
                    budget = self.settings.unavailable_retry_time
                except (DriverError, Neo4jError) as exc:
                    if not exc.is_retryable() or _too_big(exc):
                        raise
                    failure = exc
                    budget = self.settings.retry_time
                if time.monotonic() - start + delay > budget:
                    raise failure
                log.debug("retrying in %.2f s after: %s", delay, failure)
                time.sleep(delay)
                delay = min(delay * 2, 1.0)

    @contextmanager
    def _guard(self) -> Iterator[None]:
        """Turn driver failures into the errors edflows shows people."""
        try:
            yield
        except (ServiceUnavailable, SessionExpired) as exc:
            raise DatabaseUnavailable(
                f"Neo4j at {self.uri} is not reachable",
                "Start the local server with `edflows neo4j start`, or set NEO4J_URI to a "
                f"running Neo4j.\n{exc}",
            ) from exc
        except AuthError as exc:
            raise EdflowsError(
                f"Neo4j at {self.uri} refused the user name or password",
                "Check NEO4J_USER and NEO4J_PASSWORD.",
            ) from exc
        except Neo4jError as exc:
            if exc.code in MEMORY_LIMIT_CODES:
                raise EdflowsError(
                    "Neo4j refused the transaction: it needs more memory than the server allows "
                    "one transaction (nothing was written)",
                    "Give Neo4j a larger heap (EDFLOWS_HEAP for `edflows neo4j start`, or "
                    "db.memory.transaction.total.max on your server), or load the file in "
                    f"parts.\n{exc}",
                ) from exc
            if not isinstance(exc, ClientError):
                raise
            if exc.code and exc.code.startswith("Neo.ClientError.Security."):
                raise EdflowsError(
                    f"Neo4j at {self.uri} refused the login ({exc.code.rsplit('.', 1)[-1]})",
                    f"Check NEO4J_USER and NEO4J_PASSWORD.\n{exc}",
                ) from exc
            if exc.code in QUERY_TIMEOUT_CODES:
                raise QueryTimeout(
                    "the query took too long and was cancelled",
                    "Narrow it down (fewer hops, a filter) and try again.",
                ) from exc
            raise
        except DriverError as exc:
            cause = exc.__cause__
            if isinstance(cause, ClientError) and cause.code in QUERY_TIMEOUT_CODES:
                # a timeout met while iterating a result comes wrapped (ResultFailedError);
                # found by bench/soak: /sources-of under load answered 500, not the timeout
                raise QueryTimeout(
                    "the query took too long and was cancelled",
                    "Narrow it down (fewer hops, a filter) and try again.",
                ) from exc
            if "defunct" in str(exc).lower() or "connection" in str(exc).lower():
                raise DatabaseUnavailable(
                    f"Neo4j at {self.uri} is not reachable", str(exc)
                ) from exc
            raise


# Transient by Neo4j's codes, but the same transaction meets the same limit again: not retried.
MEMORY_LIMIT_CODES = frozenset(
    {
        "Neo.TransientError.General.MemoryPoolOutOfMemoryError",
        "Neo.TransientError.General.TransactionMemoryLimit",
    }
)


def _too_big(exc: Exception) -> bool:
    """Whether Neo4j refused a transaction for its memory limit (retrying cannot help)."""
    return isinstance(exc, Neo4jError) and exc.code in MEMORY_LIMIT_CODES
