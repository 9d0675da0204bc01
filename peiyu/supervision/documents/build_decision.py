"""Regenerate this folder's decision template with the registry's document builder:
.venv/bin/python peiyu/supervision/documents/build_decision.py"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
BUILDER = HERE.parents[1] / "orgs" / "documents" / "build_templates.py"


def builder() -> Any:
    spec = importlib.util.spec_from_file_location("orgs_build_templates", BUILDER)
    if spec is None or spec.loader is None:
        raise SystemExit(f"cannot load {BUILDER}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def supervision_decision(b: Any) -> Any:
    doc = b.new_document("监管处理决定书")
    b.title(doc, "{{ title }}")
    doc.add_paragraph("当事人：{{ org.name }}", style="Normal")
    doc.add_paragraph("统一社会信用代码：{{ org.uscc }}", style="Normal")
    b.body(doc, "经查：")
    b.body(doc, "{{ facts }}")
    b.body(doc, "依据：{{ basis }}")
    b.body(doc, "本机关决定：{{ decision }}")
    b.body(doc, "{{ note }}")
    b.body(doc, b.REMEDY.format(kind="决定书"))
    b.signature(doc)
    return doc


def main() -> None:
    b = builder()
    path = HERE / "supervision_decision.docx"
    b.save(supervision_decision(b), path)
    print(path)


if __name__ == "__main__":
    main()
