"""Numerals are read by a helper process that loads cn2an beside a render's start-up; it reads
exactly as cn2an does here, never outlives its work, and a broken helper is not waited for.

Each test runs in a fresh interpreter: the helper only starts where cn2an is not loaded yet."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="the helper is forked on Linux")


def run_python(code: str) -> list[str]:
    """Run `code` in a fresh interpreter; its printed lines."""
    result = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True,
                            text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    return result.stdout.splitlines()


def test_the_helper_reads_numerals_as_cn2an_does_and_stops_with_its_block() -> None:
    lines = run_python("""
        import multiprocessing, sys
        from policyclip.speech import numerals
        text = "2023年起，年收入20万元以下的减征50%，热线12366，第3项"
        with numerals.helper_loading():
            helpers = len(multiprocessing.active_children())
            read = numerals.read_numerals(text)
            print(helpers, "cn2an" in sys.modules)
        print(len(multiprocessing.active_children()))
        print(read == numerals.read_numerals(text), "cn2an" in sys.modules)
        print(read)
    """)
    assert lines[0] == "1 False"  # one helper, and cn2an was loaded there, not here
    assert lines[1] == "0"  # the helper is gone after the block
    assert lines[2] == "True True"  # read here afterwards: the same words
    assert lines[3] == "二零二三年起，年收入二十万元以下的减征百分之五十，热线一万二千三百六十六，第三项"


def test_a_stuck_helper_is_not_waited_for_long_and_is_stopped() -> None:
    lines = run_python("""
        import multiprocessing, time
        from policyclip.speech import numerals
        numerals._HELPER_WAIT_S = 1.0
        with numerals.helper_loading():
            numerals._helper.apply_async(time.sleep, (60,))  # busy: it does not answer
            started = time.monotonic()
            read = numerals.read_numerals("共3600元")
            print(round(time.monotonic() - started), numerals._helper is None,
                  len(multiprocessing.active_children()))
        print(read)
    """)
    assert lines == ["1 True 0", "共三千六百元"]


def test_nothing_is_forked_once_cn2an_is_loaded_here() -> None:
    lines = run_python("""
        import multiprocessing
        import cn2an
        from policyclip.speech import numerals
        with numerals.helper_loading():
            print(len(multiprocessing.active_children()), numerals.read_numerals("第3项"))
    """)
    assert lines == ["0 第三项"]
