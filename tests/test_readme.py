"""The English and Chinese READMEs show the same commands, and each links to the other."""

from __future__ import annotations

import re

import pytest

from support import ROOT

COMMAND = re.compile(r"^(?:\$ )?((?:migkg|make|\.venv/bin/\S+|python3?|pip) .*)$")


def commands(path) -> set[str]:
    """Every command shown in the file's code blocks, without a `$ ` prompt or the words after it
    (a `# comment`, or a usage line's description after a run of spaces), which a translation may change."""
    text = path.read_text("utf-8")
    blocks = re.findall(r"^```[^\n]*\n(.*?)^```", text, re.M | re.S)
    lines = (m.group(1) for b in blocks for line in b.splitlines() if (m := COMMAND.match(line.strip())))
    return {re.split(r"\s{2,}|\s#", line, maxsplit=1)[0].strip() for line in lines}


def test_every_command_in_one_readme_is_in_the_other():
    zh = ROOT / "README.zh-CN.md"
    if not zh.exists():
        pytest.fail("README.zh-CN.md is missing")
    en, cn = commands(ROOT / "README.md"), commands(zh)
    assert en, "no commands found in README.md: the pattern is wrong"
    assert sorted(en - cn) == [], "shown in README.md, not in README.zh-CN.md"
    assert sorted(cn - en) == [], "shown in README.zh-CN.md, not in README.md"


def test_the_readmes_link_to_each_other():
    first = (ROOT / "README.md").read_text("utf-8").split("\n\n", 2)[:2]
    assert "(README.zh-CN.md)" in "\n".join(first)
    assert "(README.md)" in (ROOT / "README.zh-CN.md").read_text("utf-8").splitlines()[0]


@pytest.mark.parametrize("readme", ["README.md", "README.zh-CN.md"])
def test_the_readmes_show_the_python_example_the_packaging_test_runs(readme):
    example = (ROOT / "tests" / "fixtures" / "api_example.py").read_text("utf-8")
    assert f"```python\n{example}```" in (ROOT / readme).read_text("utf-8")
