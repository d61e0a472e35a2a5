"""What changed between two versions of content, as text for a `diff` code block.

Plans are compared field by field, line by line. Captions are compared by character within each changed line
(Chinese and Korean have no spaces to split words on, and a caption is often one long paragraph): a changed line
is shown as short excerpts around what changed, each changed run quoted on a line of its own. Files are compared
by their content (the stored key holds the SHA-256), so a picture replaced under the same name shows.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from typing import Any

from circlue.repository.content import ContentItem
from circlue.ui.content import PLAN_FIELDS, field_text
from circlue.ui.i18n import t

# Characters kept on each side of a change in a long line, and the length up to which a line is shown whole.
CONTEXT = 12
WHOLE_LINE = 80


def plan_lines(plan: dict[str, Any] | None, content_type: str) -> list[str]:
    """A plan as labelled lines, for a text diff."""
    lines: list[str] = []
    for name in PLAN_FIELDS.get(content_type, ()):
        lines.append(f"[{t('plan.field.' + name)}]")
        lines.extend(field_text(name, (plan or {}).get(name)).splitlines() or [""])
    return lines


def unified(previous: Sequence[str], current: Sequence[str]) -> str:
    """A unified diff of two texts (lines), or '' when they are the same."""
    diff = difflib.unified_diff(list(previous), list(current), "v-1", "v", lineterm="", n=1)
    return "\n".join(list(diff)[2:])


def _runs(old: str, new: str) -> list[tuple[str, int, int, int, int]]:
    """Character opcodes of two lines; the common start and end are matched first, so a one-character change
    in a 5,000-character caption costs nothing and stays one change."""
    start = 0
    while start < min(len(old), len(new)) and old[start] == new[start]:
        start += 1
    end = 0
    while end < min(len(old), len(new)) - start and old[-1 - end] == new[-1 - end]:
        end += 1
    middle = difflib.SequenceMatcher(None, old[start : len(old) - end], new[start : len(new) - end])
    ops = [(tag, i1 + start, i2 + start, j1 + start, j2 + start) for tag, i1, i2, j1, j2 in middle.get_opcodes()]
    return [("equal", 0, start, 0, start), *ops, ("equal", len(old) - end, len(old), len(new) - end, len(new))]


def _excerpt(text: str, spans: list[tuple[int, int]]) -> str:
    """The parts of a long line around the changed spans, with … where text is left out."""
    if len(text) <= WHOLE_LINE:
        return text
    windows: list[list[int]] = []
    for i1, i2 in spans:
        lo, hi = max(0, i1 - CONTEXT), min(len(text), i2 + CONTEXT)
        if windows and lo <= windows[-1][1]:
            windows[-1][1] = max(windows[-1][1], hi)
        else:
            windows.append([lo, hi])
    parts = [("…" if lo > 0 else "") + text[lo:hi] for lo, hi in windows]
    return " ".join(parts) + ("…" if windows and windows[-1][1] < len(text) else "")


def _head(line: str) -> str:
    """A whole line added or removed: its beginning when it is long."""
    return line if len(line) <= WHOLE_LINE else line[:WHOLE_LINE] + "…"


def _changed_line(old: str, new: str) -> list[str]:
    """One changed line: the old and new excerpts, then each changed run quoted (「old」 → 「new」)."""
    runs = [r for r in _runs(old, new) if r[0] != "equal"]
    lines = [f"- {_excerpt(old, [(i1, i2) for _, i1, i2, _, _ in runs])}",
             f"+ {_excerpt(new, [(j1, j2) for _, _, _, j1, j2 in runs])}"]
    for tag, i1, i2, j1, j2 in runs:
        if tag == "replace":
            lines.append(f"  「{old[i1:i2]}」 → 「{new[j1:j2]}」")
        elif tag == "delete":
            lines.append(f"  {t('diff.removed')} 「{old[i1:i2]}」")
        else:
            lines.append(f"  {t('diff.added')} 「{new[j1:j2]}」")
    return lines


def caption_changes(before: str | None, after: str | None) -> list[str]:
    """A caption's changes, line by line and, within a changed line, by character; [] when it is the same."""
    old, new = (before or "").splitlines(), (after or "").splitlines()
    lines: list[str] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        pairs = min(i2 - i1, j2 - j1) if tag == "replace" else 0
        for k in range(pairs):
            lines.extend(_changed_line(old[i1 + k], new[j1 + k]))
        lines.extend(f"- {_head(line)}" for line in old[i1 + pairs : i2])
        lines.extend(f"+ {_head(line)}" for line in new[j1 + pairs : j2])
    return [f"@@ {t('review.caption')}", *lines] if lines else []


def file_changes(before: Sequence[dict[str, Any]], after: Sequence[tuple[str, str]]) -> list[str]:
    """Files removed and added, by content (the stored key); a same-named file with new content says so."""
    old = [(f.get("file_url") or "", f.get("original_name") or f.get("file_url") or "") for f in before]
    new = list(after)
    old_keys, new_keys = {url for url, _ in old}, {url for url, _ in new}
    removed = [(url, name) for url, name in old if url not in new_keys]
    added = [(url, name) for url, name in new if url not in old_keys]
    replaced = {name for _, name in removed} & {name for _, name in added}
    label = t("review.files")
    lines = [f"- {label}: {name}" for _, name in removed]
    lines += [f"+ {label}: {name}" + (f" ({t('review.content_changed')})" if name in replaced else "")
              for _, name in added]
    return [f"@@ {label}", *lines] if lines else []


def changes(item: ContentItem) -> str:
    """What changed since the previous version: plan fields, or the caption (by character) and the files."""
    snapshot = item.previous.snapshot if item.previous else {}
    if item.kind == "plan":
        return unified(plan_lines(snapshot.get("plan_data"), item.content_type),
                       plan_lines(item.plan_data, item.content_type))
    files = [(f.file_url, f.original_name or f.file_url) for f in item.files]
    return "\n".join([*caption_changes(snapshot.get("caption"), item.caption),
                      *file_changes(snapshot.get("files", []), files)])
