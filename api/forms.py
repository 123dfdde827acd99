"""Reading browser forms without a extra dependency: urlencoded bodies, and multipart ones
(a file upload) through the standard library's MIME parser."""

from __future__ import annotations

from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import HTTP
from urllib.parse import parse_qs

from fastapi import Request


@dataclass
class Upload:
    filename: str
    content: bytes


@dataclass
class FormData:
    fields: dict[str, list[str]] = field(default_factory=dict)
    files: dict[str, Upload] = field(default_factory=dict)

    def one(self, name: str) -> str:
        values = self.fields.get(name) or [""]
        return values[-1]


async def read_form(request: Request) -> FormData:
    """The request's form fields (and files); an unreadable body gives an empty form, which
    then fails its CSRF check like any form without a token."""
    body = await request.body()
    kind = request.headers.get("content-type", "")
    if kind.startswith("multipart/form-data"):
        return _multipart(kind, body)
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return FormData()
    return FormData(fields=parse_qs(text, keep_blank_values=True))


def _multipart(kind: str, body: bytes) -> FormData:
    message = BytesParser(policy=HTTP).parsebytes(
        b"Content-Type: " + kind.encode("latin-1") + b"\r\n\r\n" + body
    )
    form = FormData()
    if not message.is_multipart():
        return form
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if not isinstance(name, str):
            continue
        payload = part.get_payload(decode=True)
        content = payload if isinstance(payload, bytes) else b""
        filename = part.get_filename()
        if filename is not None:
            form.files[name] = Upload(filename, content)
        else:
            form.fields.setdefault(name, []).append(content.decode("utf-8", "replace"))
    return form
