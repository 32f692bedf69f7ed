"""The one pattern for a web address in narration, shared by sentence splitting, captions and
speech, so all three see the same whole address (scheme, host, path, query, fragment)."""

from __future__ import annotations

import re

# An address ends at whitespace, at CJK text or punctuation, or at quotes and angle brackets;
# a full stop, comma or closing bracket right after it belongs to the sentence, not to it.
_CHAR = "[^\\s\u2000-\u206f\u3000-\u303f\u3400-\u9fff\uff00-\uffef<>\"'{}|\\\\^`]"
_LAST = "[^\\s\u2000-\u206f\u3000-\u303f\u3400-\u9fff\uff00-\uffef<>\"'{}|\\\\^`.,;:!?)\\]]"
# With a scheme (https://…) or starting with www. (www.gov.cn/zhengce).
WEB_ADDRESS = rf"(?:(?i:https?://)|(?<![A-Za-z0-9.@/-])(?i:www)\.){_CHAR}*{_LAST}"
WEB_ADDRESS_RE = re.compile(WEB_ADDRESS)


def address_spans(text: str) -> list[tuple[int, int]]:
    """Where the web addresses in `text` start and end."""
    return [m.span() for m in WEB_ADDRESS_RE.finditer(text)]


def host(address: str) -> str:
    """The host an English narration reads and shows: https://www.irs.gov/a?b=1 -> irs.gov."""
    bare = re.sub(r"^(?:https?://)?(?:www\.)?", "", address, flags=re.I)
    return re.split(r"[/?#:]", bare, maxsplit=1)[0]


def mask_addresses(text: str) -> str:
    """`text` with each address replaced by as many letters, so that a `?` or `.` in it cannot
    end a sentence and offsets stay the same."""
    return WEB_ADDRESS_RE.sub(lambda m: "x" * len(m[0]), text)
