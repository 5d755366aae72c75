"""Command blocks of the chart README that the tests run as written.

A block is a fenced ```bash block right after an HTML comment `<!-- <topic>:<step> -->` in charts/ai-inference/README.md
(generated from README.md.gotmpl). Its commands are its lines without comments and blank lines; a line ending in a
backslash continues on the next.
"""

from __future__ import annotations

import re

from harness.errors import HarnessError
from harness.paths import CHART_DIR

README = CHART_DIR / "README.md"


def marked_blocks(topic: str, text: str | None = None) -> dict[str, list[str]]:
    """Step -> its commands, for every block of `topic`; a step marked twice raises HarnessError."""
    source = README.read_text(encoding="utf-8") if text is None else text
    pattern = re.compile(rf"<!-- {re.escape(topic)}:(\w+) -->\n```bash\n(.*?)```", re.DOTALL)
    blocks: dict[str, list[str]] = {}
    for step, body in pattern.findall(source):
        if step in blocks:
            msg = f"two README blocks marked {topic}:{step}"
            raise HarnessError(msg)
        lines = [line.strip() for line in body.replace("\\\n", " ").splitlines()]
        blocks[step] = [line for line in lines if line and not line.startswith("#")]
    return blocks
