"""Numerals are read by a helper process that loads cn2an beside a render's start-up: it reads
exactly as cn2an does here, never outlives its work, and a dead or stuck helper is not waited
for. Each test runs in a fresh interpreter, where cn2an is not loaded yet."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest

pytestmark = pytest.mark.skipif(os.name != "posix", reason="the helper is used on POSIX")

TEXT = "2023年起，年收入20万元以下的减征50%，共3600元，第3项"
READ = "二零二三年起，年收入二十万元以下的减征百分之五十，共三千六百元，第三项"


def run_python(code: str) -> list[str]:
    """Run `code` in a fresh interpreter; its printed lines."""
    result = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True,
                            text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    return result.stdout.splitlines()


def test_the_helper_reads_numerals_as_cn2an_does_and_ends_with_its_block() -> None:
    lines = run_python(f"""
        import sys
        from policyclip import numerals
        with numerals.helper_loading():
            helper = numerals._helper.process
            read = numerals.read_numerals("{TEXT}")
            print(helper.poll() is None, "cn2an" in sys.modules)
        print(helper.poll() is not None, numerals._helper is None)
        print(read == numerals.read_numerals("{TEXT}"), "cn2an" in sys.modules)
        print(read)
    """)
    assert lines[0] == "True False"  # the helper runs, and cn2an is loaded there, not here
    assert lines[1] == "True True"  # it has ended with the block
    assert lines[2] == "True True"  # read here afterwards: the same words
    assert lines[3] == READ


@pytest.mark.parametrize(("trouble", "waited"), [("SIGKILL", 0), ("SIGSTOP", 1)])
def test_a_dead_or_stuck_helper_is_not_waited_for_long_and_is_stopped(trouble: str,
                                                                       waited: int) -> None:
    lines = run_python(f"""
        import os, signal, time
        from policyclip import numerals
        numerals._HELPER_WAIT_S = 1.0
        with numerals.helper_loading():
            helper = numerals._helper.process
            os.kill(helper.pid, signal.{trouble})
            started = time.monotonic()
            read = numerals.read_numerals("{TEXT}")
            print(round(time.monotonic() - started), numerals._helper is None,
                  helper.poll() is not None)
        print(read)
    """)
    assert lines == [f"{waited} True True", READ]


def test_nothing_is_started_once_cn2an_is_loaded_here() -> None:
    lines = run_python("""
        import cn2an
        from policyclip import numerals
        with numerals.helper_loading():
            print(numerals._helper, numerals.read_numerals("第3项"))
    """)
    assert lines == ["None 第三项"]


def test_the_helper_answers_a_line_a_line_and_ignores_ctrl_c() -> None:
    helper = subprocess.Popen([sys.executable, "-m", "policyclip.numerals"],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert helper.stdin is not None and helper.stdout is not None
    try:
        helper.stdin.write('"第3项"\n')
        helper.stdin.flush()
        assert json.loads(helper.stdout.readline()) == "第三项"
        helper.send_signal(2)  # SIGINT, as Ctrl-C sends it to the whole process group
        helper.stdin.write('"共3600元，逾期1/2天"\n')
        helper.stdin.flush()
        assert json.loads(helper.stdout.readline()) == "共三千六百元，逾期二分之一天"
        helper.stdin.close()  # the render is gone: the helper ends
        assert helper.wait(timeout=10) == 0
    finally:
        if helper.poll() is None:
            helper.kill()
            helper.wait()
