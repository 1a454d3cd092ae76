"""Write docs/errors.md from the error registry (run after adding an error)."""

from pathlib import Path

from ecoute.errors import all_error_classes

HEADER = """# Errors

Every error ecoute raises on purpose has a stable code, a message and a
sentence saying how to fix it, in French (default) and English. The CLI
prints them without a traceback (`--debug` shows it) and exits with status 2;
the API returns them as

```json
{"error": {"code": "ECO304", "message": "…", "fix": "…", "details": {…}}}
```

with the HTTP status below. Import rejections store the same codes (ECO3xx),
so `ecoute import --rejections RUN_ID` can show them in either language.
Codes are never reused or renumbered.

| code | HTTP | message (en) | how to fix (en) |
|---|---|---|---|
"""


def main() -> None:
    rows = []
    for cls in all_error_classes():
        message, fix = (part.replace("|", "\\|") for part in cls.en)
        rows.append(f"| `{cls.code}` | {cls.http_status} | {message} | {fix} |")
    path = Path(__file__).resolve().parent.parent / "docs" / "errors.md"
    path.write_text(HEADER + "\n".join(rows) + "\n", encoding="utf-8")
    print(f"wrote {path} ({len(rows)} codes)")


if __name__ == "__main__":
    main()
