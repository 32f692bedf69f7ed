"""Measure a speech engine's real sentence lengths and fit the reading-speed model of
`policyclip.estimate` to them (what docs/cli.md "Estimated length" reports for espeak).

    python bench/calibrate_speech.py --tts espeak examples/*.yaml
    python bench/calibrate_speech.py --tts edge --rates=-20%,+0%,+20% examples/*.yaml

Prints the fitted milliseconds per syllable, comma, full stop and caption part at +0%, the
length factor of every other rate, and how far the model now in estimate.py is from the
measured total of each brief. Synthesizes every sentence: needs the engine (edge: the network).
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

import numpy as np

from policyclip import estimate, pipeline, speech


def _features(parts: list[str], chinese: bool) -> list[float]:
    parts = [p for p in parts if p.strip()]
    text = "".join(parts)
    return [estimate.syllables(text, chinese), len(estimate.COMMAS.findall(text)),
            len(estimate.STOPS.findall(text)), len(parts)]


def main() -> None:
    """Measure, fit, compare."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("briefs", nargs="+", type=Path)
    parser.add_argument("--tts", default="espeak")
    parser.add_argument("--rates", default="-30%,+0%,+30%,+60%")
    args = parser.parse_args()
    rows: list[tuple[str, bool, str, list[float], int]] = []
    for path in args.briefs:
        prepared = pipeline.prepare(path, pipeline.RenderOptions())
        language = prepared.brief.language
        for rate in args.rates.split(","):
            engine = speech.open_engine(args.tts, language, None, rate)
            for sentence in prepared.sentences:
                parts = speech.spoken_parts([c.text for c in sentence.cues], language)
                with tempfile.TemporaryDirectory() as work:
                    spoken = engine.synthesize(parts, Path(work) / "s.wav")
                rows.append((path.stem, prepared.brief.is_chinese, rate,
                             _features(parts, prepared.brief.is_chinese), spoken.duration_ms))
    for chinese in (True, False):
        mine = [row for row in rows if row[1] == chinese]
        if not mine:
            continue
        base = [row for row in mine if int(row[2].rstrip("%")) == 0] or mine
        coef, *_ = np.linalg.lstsq(np.array([r[3] for r in base], float),
                                   np.array([r[4] for r in base], float), rcond=None)
        print(("zh" if chinese else "en") + " ms per syllable, comma, stop, part at +0%:",
              ", ".join(f"{c:.1f}" for c in coef))
        at_zero = sum(r[4] for r in base)
        for rate in args.rates.split(","):
            total = sum(r[4] for r in mine if r[2] == rate)
            print(f"  {rate}: length factor {total / at_zero:.3f}")
    for stem in dict.fromkeys(row[0] for row in rows):
        for rate in args.rates.split(","):
            real = sum(r[4] for r in rows if r[0] == stem and r[2] == rate)
            path = next(p for p in args.briefs if p.stem == stem)
            prepared = pipeline.prepare(path, pipeline.RenderOptions())
            guess = sum(u.duration_ms for u in estimate.narration(
                prepared.sentences, engine=args.tts, language=prepared.brief.language,
                rate=rate).utterances)
            print(f"{stem} {rate}: speech {real / 1000:.1f} s, model {guess / 1000:.1f} s "
                  f"({(guess - real) / real:+.1%})")


if __name__ == "__main__":
    main()
