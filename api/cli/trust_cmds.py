"""Sub-commands for write access and the audit trail: `token create|list|revoke`, `audit`."""

from __future__ import annotations

import argparse
import json
from datetime import datetime
from typing import Any

from graph import audit
from graph.audit import CLI
from graph.db import Database
from graph.settings import get_settings
from graph.tokens import ROLES, create_token, list_tokens, revoke_token


def register(subparsers: Any) -> None:
    token = subparsers.add_parser("token", help="write tokens for the API: create, list, revoke")
    token_sub = token.add_subparsers(dest="action", required=True, metavar="ACTION")
    create = token_sub.add_parser("create", help="issue a token; its secret is printed once")
    create.add_argument("--role", required=True, choices=ROLES)
    create.add_argument("--urn", help="school tokens: the URN of the school it may edit")
    create.add_argument("--trust", help="trust tokens: the GIAS code of the trust it may edit")
    create.add_argument("--label", help="a note on who holds it")
    create.set_defaults(handler=token_create)
    listing = token_sub.add_parser("list", help="every token, without secrets")
    listing.add_argument("--json", action="store_true", help="print the tokens as JSON")
    listing.set_defaults(handler=token_list)
    revoke = token_sub.add_parser("revoke", help="revoke a token at once")
    revoke.add_argument("id", help="the token's id (tok_...)")
    revoke.set_defaults(handler=token_revoke)

    trail = subparsers.add_parser("audit", help="the audit trail: who changed what, when")
    trail.add_argument("--urn", help="only changes concerning this school")
    trail.add_argument(
        "--since", type=datetime.fromisoformat, help="from this time on (YYYY-MM-DD[THH:MM])"
    )
    trail.add_argument("--actor", help="token:<id>, loader:<name>, loader or cli")
    trail.add_argument("--limit", type=int, default=50)
    trail.add_argument("--json", action="store_true", help="print the API's JSON")
    trail.set_defaults(handler=audit_cmd)


def token_create(args: argparse.Namespace) -> int:
    with Database(get_settings()) as db:
        issued = create_token(db, args.role, args.urn, args.label, CLI, args.trust)
    info = issued.token
    school = f" for URN {info.urn}" if info.urn else ""
    school += f" for trust {info.trust}" if info.trust else ""
    print(f"Created {info.role} token {info.id}{school}.")
    print("Its secret is shown only now; keep it safe (send it as `Authorization: Bearer ...`):")
    print(issued.secret)
    return 0


def token_list(args: argparse.Namespace) -> int:
    with Database(get_settings()) as db:
        tokens = list_tokens(db)
    if args.json:
        print(json.dumps([t.model_dump(mode="json") for t in tokens], indent=2))
        return 0
    if not tokens:
        print("No tokens.")
    for t in tokens:
        state = f"revoked {t.revoked_at}" if t.revoked else "live"
        print(
            f"{t.id:<18} {t.role:<7} {t.urn or '-':<9} {t.created[:19]}  {state}  {t.label or ''}"
        )
    return 0


def token_revoke(args: argparse.Namespace) -> int:
    with Database(get_settings()) as db:
        info = revoke_token(db, args.id, CLI)
    print(f"Revoked {info.id} ({info.role}); it is refused from the next request on.")
    return 0


def audit_cmd(args: argparse.Namespace) -> int:
    with Database(get_settings()) as db:
        page = audit.list_entries(db, args.urn, args.since, args.actor, limit=args.limit)
    if args.json:
        print(page.model_dump_json(indent=2))
        return 0
    if not page.entries:
        print("No audit entries.")
    for e in page.entries:
        who = f"{e.actor} ({e.role})" if e.role else e.actor
        print(f"{e.at[:19]}  {who:<32} {e.action:<18} {e.target}")
        if isinstance(e.before, dict) and isinstance(e.after, dict) and e.summary is None:
            keys = sorted(k for k in {*e.before, *e.after} if e.before.get(k) != e.after.get(k))
            changes = [f"{k}: {e.before.get(k)!r} -> {e.after.get(k)!r}" for k in keys]
            print(f"    changed: {_short('; '.join(changes) or 'nothing')}")
        elif e.summary is None:
            print(f"    before: {_short(e.before)}")
            print(f"    after:  {_short(e.after)}")
        else:
            print(f"    {_short(e.after)}")
    if page.next_offset is not None:
        print(f"(more: --limit {args.limit * 2} shows more)")
    return 0


def _short(value: Any, width: int = 160) -> str:
    if isinstance(value, dict):
        value = {k: v for k, v in value.items() if k != "rows"}
    text = (
        value if isinstance(value, str) else json.dumps(value, sort_keys=True, ensure_ascii=False)
    )
    return text if len(text) <= width else text[: width - 3] + "..."
