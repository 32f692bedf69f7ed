"""Platform presets: upload-form limits, hashtag style, cover shape and favoured length.

The figures are the platforms' published or commonly observed limits (approximate; platforms
change them). Caption and card layout keep the strictest safe area of all of them, so one video
suits every platform: the bottom fifth and the right-hand edge are always left free.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .errors import InputError


@dataclass(frozen=True)
class Platform:
    """What one platform expects of an upload."""

    name: str
    label: str
    title_max: int
    description_max: int
    hashtags_inline: bool  # "#tag" in the description (else a separate tag list)
    hashtags_max: int
    cover_aspect: tuple[int, int]  # width:height
    favoured_max_s: int | None


PLATFORMS = {
    p.name: p
    for p in (
        Platform("douyin", "抖音", 30, 1000, True, 5, (3, 4), 60),
        Platform("kuaishou", "快手", 30, 500, True, 5, (3, 4), 60),
        Platform("channels", "微信视频号", 16, 1000, True, 5, (3, 4), 60),
        Platform("bilibili", "哔哩哔哩", 80, 2000, False, 10, (3, 4), 600),
        Platform("generic", "generic", 100, 5000, True, 10, (9, 16), None),
    )
}
DEFAULT_PLATFORM = "douyin"


def get_platform(name: str | None) -> Platform:
    """The preset called `name` (default douyin)."""
    key = name or DEFAULT_PLATFORM
    if key not in PLATFORMS:
        raise InputError(f"unknown platform '{key}'", hint=f"use one of {', '.join(PLATFORMS)}")
    return PLATFORMS[key]


def clip_text(text: str, limit: int) -> str:
    """Shorten text to `limit` characters, ending with … when cut."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def upload_form(platform: Platform, title: str, lead: str, summary: str,
                hashtags: tuple[str, ...], source: str = "") -> dict[str, object]:
    """Title, description and tags shaped for the platform's upload form; `source` (who issued
    the policy) ends the description, before the tags, and is never cut."""
    tags = list(hashtags[: platform.hashtags_max])
    tag_text = " ".join(f"#{tag}" for tag in tags) if platform.hashtags_inline else ""
    source = clip_text(source, platform.description_max // 2)
    body = "\n".join(part for part in (lead, summary) if part)
    room = platform.description_max - sum(len(t) + 1 for t in (tag_text, source) if t)
    description = "\n".join(part for part in (clip_text(body, room), source, tag_text) if part)
    return {"title": clip_text(title, platform.title_max), "description": description,
            "tags": tags}


def duration_warning(platform: Platform, duration_ms: int,
                     advise: Callable[[int], str] | None = None) -> str | None:
    """A warning when the video runs longer than the platform favours; `advise(limit_ms)` says
    what would make it fit."""
    if platform.favoured_max_s is None or duration_ms <= platform.favoured_max_s * 1000:
        return None
    fix = advise(platform.favoured_max_s * 1000) if advise else "shorten the brief's texts"
    return (f"the video runs {duration_ms / 1000:.0f} s; {platform.label} favours videos of at "
            f"most {platform.favoured_max_s} s: {fix}")


def cover_box(width: int, height: int, aspect: tuple[int, int], focus_y: int) -> tuple[int, int,
                                                                                       int, int]:
    """The crop of a width x height frame in the cover's aspect, centred on focus_y if it can."""
    crop_h = min(height, round(width * aspect[1] / aspect[0]))
    top = min(max(0, focus_y - crop_h // 2), height - crop_h)
    return 0, top, width, top + crop_h
