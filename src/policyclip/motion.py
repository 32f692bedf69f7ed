"""Motion: what moves, for how long and how (the theme's `motion:` block and its presets).

Accents, not constant movement: a card enters, the scene changes, a caption pops in, a key
figure counts up, the step being read lights up, an FAQ answer appears once its question is
read. Everything else stays still, so a still is coded once (video.py) however long it holds.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, replace

MOTION_PRESETS = ("none", "subtle", "lively")
DEFAULT_PRESET = "subtle"

EASINGS: dict[str, Callable[[float], float]] = {
    "linear": lambda p: p,
    "ease-out": lambda p: 1 - (1 - p) ** 3,
    "ease-in": lambda p: p**3,
    "ease-in-out": lambda p: 4 * p**3 if p < 0.5 else 1 - (-2 * p + 2) ** 3 / 2,
}


@dataclass(frozen=True)
class Effect:
    """One effect: its kind (e.g. `slide-up`, or `none`), duration and easing."""

    kind: str
    ms: int
    easing: str = "ease-out"

    @property
    def on(self) -> bool:
        """False for `none` (or a zero duration)."""
        return self.kind not in ("none", "cut") and self.ms > 0

    def frames(self, fps: int) -> int:
        """How many frames the effect spans (0 when off)."""
        return max(1, round(self.ms * fps / 1000)) if self.on else 0

    def progress(self, frame: int, fps: int) -> float:
        """Eased progress (0 to 1) on the `frame`-th frame since the effect started: its last
        frame is fully there, its first already on its way."""
        count = self.frames(fps)
        if count == 0 or frame >= count - 1:
            return 1.0
        return EASINGS[self.easing](max(0.0, (frame + 1) / count))


@dataclass(frozen=True)
class Motion:
    """The resolved motion of a video."""

    preset: str
    card: Effect  # slide-up | fade | none: how a scene's card enters
    scene: Effect  # cut | crossfade | slide: how the previous card leaves
    caption: Effect  # pop | fade | none: a caption change
    figure: Effect  # count-up | none: the key figure on a point's card
    steps: str = "none"  # highlight: the step being read is lit, the others dimmed
    faq: str = "none"  # reveal: the answer appears once its question has been read
    progress: str = "none"  # bar: a bar of the video's scenes at the top
    slide_px: int = 60  # how far a card slides up as it enters (1080-wide grid)
    pop_scale: float = 0.92  # a popping caption grows from this size

    @property
    def still(self) -> bool:
        """True when nothing ever moves by itself (preset `none`)."""
        return not any(e.on for e in (self.card, self.scene, self.caption, self.figure))


PRESETS = {
    "none": Motion("none", Effect("none", 0), Effect("cut", 0), Effect("none", 0),
                   Effect("none", 0)),
    "subtle": Motion("subtle", Effect("slide-up", 350), Effect("crossfade", 250, "ease-in-out"),
                     Effect("fade", 160), Effect("count-up", 700), steps="highlight",
                     faq="reveal", slide_px=48),
    "lively": Motion("lively", Effect("slide-up", 400), Effect("slide", 300, "ease-in-out"),
                     Effect("pop", 200), Effect("count-up", 800), steps="highlight",
                     faq="reveal", progress="bar", slide_px=120, pop_scale=0.85),
}


def resolve(preset: str, overrides: dict[str, dict[str, object] | str] | None = None
            ) -> Motion:
    """The preset with the theme's own choices on top (`--motion none` drops them all)."""
    motion = PRESETS[preset]
    if preset == "none" or not overrides:
        return motion
    changes: dict[str, object] = {}
    for name, value in overrides.items():
        if isinstance(value, dict):
            current: Effect = getattr(motion, name)
            changes[name] = Effect(str(value.get("effect") or current.kind),
                                   int(str(value.get("ms") if value.get("ms") is not None
                                           else current.ms)),
                                   str(value.get("easing") or current.easing))
        else:
            changes[name] = value
    return replace(motion, **changes)  # type: ignore[arg-type]


# ---------------------------------------------------------------- counting up

_NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")


def count_up_text(value: str, progress: float) -> str:
    """The figure `value` with its (first) number at `progress` of the way from zero, in the
    same format: its unit, currency sign, thousands separators and decimals (`2万元`, `20%`,
    `3600元/年`, `£150`, `$67,000`, `4.5亿`). A value without a number is returned as it is."""
    match = _NUMBER.search(value)
    if match is None or progress >= 1:
        return value
    digits = match.group(0)
    grouped = "," in digits
    decimals = len(digits.split(".")[1]) if "." in digits else 0
    target = float(digits.replace(",", ""))
    current = target * max(0.0, progress)
    # Round down, so the count never shows the final value before it arrives.
    scale = 10**decimals
    current = math.floor(current * scale + 1e-9) / scale
    shown = f"{current:,.{decimals}f}" if grouped else f"{current:.{decimals}f}"
    return value[: match.start()] + shown + value[match.end():]
