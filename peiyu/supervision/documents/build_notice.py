"""Regenerate the rectification notice template: .venv/bin/python peiyu/supervision/documents/build_notice.py

It uses the layout of the registry's templates (peiyu/orgs/documents/build_templates.py: GB/T
9704 look, red header, 仿宋 body) and is byte-for-byte reproducible the same way.

Variables (besides ``bureau``, ``number`` and ``date``, as in the registry's templates):

- ``org.name`` — the organization addressed; ``org.code`` — its credit code or filing number
- ``inspected_on`` — the day of the inspection; ``inspectors`` — who inspected
- ``findings`` — list of items with ``item`` (checklist item) and ``note`` (the problem found)
- ``requirements`` — what must be rectified, one paragraph per line
- ``deadline`` — the day by which it must be done
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
if str(ROOT) not in sys.path:  # run as a script, from anywhere
    sys.path.insert(0, str(ROOT))

from docx.document import Document as DocumentObject  # noqa: E402

from peiyu.orgs.documents.build_templates import (  # noqa: E402
    addressee,
    body,
    new_document,
    save,
    signature,
    table,
    title,
)

HERE = Path(__file__).resolve().parent


def rectification_notice() -> DocumentObject:
    doc = new_document("整改通知书")
    title(doc, "整改通知书")
    addressee(doc, "{{ org.name }}（{{ org.code }}）")
    body(
        doc,
        "{{ inspected_on }}，本机关（检查人员：{{ inspectors }}）对你单位进行了实地检查，发现存在以下问题：",
    )
    table(
        doc,
        [
            ("检查事项", "存在的问题"),
            ("{%tr for finding in findings %}", ""),
            ("{{ finding.item }}", "{{ finding.note }}"),
            ("{%tr endfor %}", ""),
        ],
    )
    body(doc, "现责令你单位于{{ deadline }}前按以下要求完成整改：")
    body(doc, "{{ requirements }}")
    body(
        doc,
        "请于整改期限届满前将整改情况书面报告本机关，本机关将进行复查。"
        "逾期未整改或者整改不到位的，本机关将依法依规处理，并记入社会组织信用信息。",
    )
    signature(doc)
    return doc


def main() -> None:
    path = HERE / "rectification_notice.docx"
    save(rectification_notice(), path)
    print(path)


if __name__ == "__main__":
    main()
