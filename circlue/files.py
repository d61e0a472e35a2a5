"""Documents the app keeps under CIRCLUE_DATA_DIR/files: printable tax invoices and payment receipts.

Rows name a file by its path relative to that folder (`tax_invoices.file_url`, `payments.receipt_url`); only the
two shapes the database's CHECKs allow are ever opened, so a stored value cannot point elsewhere on the disk.
"""

from __future__ import annotations

import os
import re
import tempfile
import uuid
from pathlib import Path

from circlue.config import get_settings
from circlue.errors import ValidationError

_SAFE = re.compile(r"tax-invoices/\d{4}/\d{4}-\d{6}\.html|receipts/[0-9a-f-]{36}\.(?:pdf|png|jpg|jpeg)")
# A receipt is what a bank or card company gives: a PDF or a picture of it, recognised by its first bytes.
_RECEIPT_KINDS = ((b"%PDF-", "pdf"), (b"\x89PNG\r\n\x1a\n", "png"), (b"\xff\xd8\xff", "jpg"))
RECEIPT_MAX_BYTES = 10 * 1024 * 1024


def files_dir() -> Path:
    """The folder documents live in."""
    return get_settings().data_dir / "files"


def is_stored(reference: str | None) -> bool:
    """True when a reference names a file kept here (not an outside http(s) address)."""
    return bool(reference) and _SAFE.fullmatch(reference) is not None


def path_of(reference: str) -> Path:
    """The file a reference names, refusing anything but the two shapes documents have."""
    if not is_stored(reference):
        raise ValueError(f"not a stored document: {reference!r}")
    return files_dir() / reference


def write(reference: str, data: bytes) -> Path:
    """Write a document whole or not at all (a temporary file renamed over the old one)."""
    target = path_of(reference)
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return target


def read(reference: str) -> bytes | None:
    """A document's bytes, or None when it is not there (yet)."""
    try:
        return path_of(reference).read_bytes()
    except FileNotFoundError:
        return None


def receipt_reference(data: bytes) -> str:
    """Where an uploaded receipt will be kept: a fresh name with the extension its content shows."""
    if len(data) > RECEIPT_MAX_BYTES:
        raise ValidationError(
            "영수증 파일은 10MB까지 올릴 수 있습니다 / a receipt may be at most 10 MB", fields={"receipt": "10 MB"}
        )
    for magic, extension in _RECEIPT_KINDS:
        if data.startswith(magic):
            return f"receipts/{uuid.uuid4()}.{extension}"
    message = "영수증은 PDF, PNG, JPG 파일이어야 합니다 / a receipt must be a PDF, PNG or JPG file"
    raise ValidationError(message, fields={"receipt": message})


def mime_of(reference: str) -> str:
    """The MIME type a browser needs to open a document."""
    return {
        "html": "text/html; charset=utf-8", "pdf": "application/pdf", "png": "image/png", "jpg": "image/jpeg",
        "jpeg": "image/jpeg",
    }[reference.rsplit(".", 1)[-1]]
