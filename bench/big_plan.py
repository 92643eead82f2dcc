"""A plan of many sections, each with a table, a checklist and a code block: the document the
PDF benchmark renders (and the worker's budget is set against)."""

SECTION = """\
## {n}. Component {n}

The component {n} handles one part of the rollout. It reads its settings at start-up and
reports progress to the coordinator every few seconds; see the table for its limits.

| Setting | Default | Notes |
|---|---:|---|
| batch size | {batch} | rows per transaction |
| timeout | {timeout} s | per call to the upstream service |
| retries | 3 | with exponential back-off |

- [x] Design reviewed by the platform team
- [ ] Load test at twice the expected peak
- [ ] Runbook written and linked from the dashboard

```python
def handle_{n}(batch):
    for row in batch:
        if row.is_stale():
            row.refresh(timeout={timeout})
    return len(batch)
```
"""


def big_plan_markdown(sections: int = 1000, title: str = "Implementation Plan: Big Rollout") -> str:
    parts = [f"# {title}\n\nA plan of {sections} sections.\n"]
    parts += [
        SECTION.format(n=n, batch=100 + n % 900, timeout=5 + n % 25) for n in range(1, sections + 1)
    ]
    return "\n".join(parts)
