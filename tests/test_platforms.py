"""Platform presets: upload-form text within limits, cover shape, length warnings."""

from __future__ import annotations

import pytest

from policyclip.errors import InputError
from policyclip.platforms import (
    PLATFORMS,
    cover_box,
    duration_warning,
    get_platform,
    upload_form,
)


def test_titles_and_descriptions_fit_every_platform() -> None:
    title = "关于进一步支持小型微利企业和个体工商户发展有关税费政策的公告全文解读"
    summary = "政策" * 1500
    tags = tuple(f"标签{i}" for i in range(12))
    for platform in PLATFORMS.values():
        form = upload_form(platform, title, "开场白", summary, tags)
        assert isinstance(form["title"], str) and isinstance(form["description"], str)
        assert len(form["title"]) <= platform.title_max
        assert len(form["description"]) <= platform.description_max
        assert form["tags"] == list(tags[: platform.hashtags_max])
        if platform.hashtags_inline:
            assert form["description"].endswith(" ".join(f"#{t}" for t in form["tags"]))
        else:
            assert "#" not in form["description"]
    channels = upload_form(get_platform("channels"), title, "", "短", ())
    assert channels["title"] == title[:15] + "…"


def test_douyin_cover_is_three_by_four_around_the_card() -> None:
    assert cover_box(1080, 1920, get_platform("douyin").cover_aspect, 760) == (0, 40, 1080, 1480)
    assert cover_box(1080, 1920, get_platform("generic").cover_aspect, 760) == (0, 0, 1080, 1920)


def test_long_videos_get_a_warning_for_short_video_platforms() -> None:
    assert duration_warning(get_platform("douyin"), 59_000) is None
    warning = duration_warning(get_platform("douyin"), 95_400)
    assert warning is not None and warning.startswith("the video runs 95 s; 抖音 favours")
    assert duration_warning(get_platform("generic"), 3_600_000) is None


def test_unknown_platform_is_an_input_error() -> None:
    with pytest.raises(InputError, match="unknown platform 'tiktok'"):
        get_platform("tiktok")
