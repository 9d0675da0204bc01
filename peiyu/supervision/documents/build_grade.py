"""Regenerate the grade certificate template: .venv/bin/python peiyu/supervision/documents/build_grade.py

Built with the registry's helpers (peiyu/orgs/documents/build_templates.py), so it has the same
official look and is byte-for-byte reproducible.

Variables of ``grade_certificate.docx`` (社会组织评估等级证书):
- ``bureau``, ``number``, ``date``: the evaluating authority, the certificate number, the date;
- ``org.name``, ``org.uscc``: the organization and its unified social credit code;
- ``level`` (4A) and ``stars`` (AAAA): the grade;
- ``valid_from``, ``valid_until``: the validity, as Chinese dates.
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[2]))  # the project root, when run as a script

from docx.document import Document as DocumentObject  # noqa: E402

from peiyu.orgs.documents.build_templates import (  # noqa: E402
    body,
    new_document,
    save,
    signature,
    table,
    title,
)


def grade_certificate() -> DocumentObject:
    doc = new_document("社会组织评估等级证书")
    title(doc, "社会组织评估等级证书")
    body(
        doc,
        "{{ org.name }}经社会组织评估，被评定为{{ level }}级（{{ stars }}）社会组织，特发此证。",
    )
    table(
        doc,
        [
            ("组织名称", "{{ org.name }}"),
            ("统一社会信用代码", "{{ org.uscc }}"),
            ("评估等级", "{{ level }}（{{ stars }}）"),
            ("有效期", "{{ valid_from }}至{{ valid_until }}"),
        ],
    )
    body(
        doc,
        "评估等级被降低或者取消的，应当自接到通知之日起十五日内将原证书和牌匾退回评估机关。",
    )
    signature(doc)
    return doc


def main() -> None:
    path = HERE / "grade_certificate.docx"
    save(grade_certificate(), path)
    print(path)


if __name__ == "__main__":
    main()
