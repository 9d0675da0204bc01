import gettext
import re
from pathlib import Path

from django.conf import settings

PO = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def test_every_message_has_a_chinese_translation() -> None:
    text = PO.read_text(encoding="utf-8")
    entries = text.split("\n\n")[1:]
    untranslated = [
        e
        for e in entries
        if re.search(r'^msgstr(\[0\])? ""$', e, re.M) and not re.search(r'^"', e.split("msgstr")[-1], re.M)
    ]
    fuzzy = [e for e in entries if "#, fuzzy" in e]
    assert entries
    assert untranslated == []
    assert fuzzy == []


def _unescape(text: str) -> str:
    return text.replace('\\"', '"').replace("\\n", "\n").replace("\\\\", "\\")


def _po_messages() -> dict[str, str]:
    messages = {}
    for entry in PO.read_text(encoding="utf-8").split("\n\n")[1:]:
        fields: dict[str, str] = {}
        current = ""
        for line in entry.splitlines():
            match = re.match(r'^(msgctxt|msgid|msgid_plural|msgstr|msgstr\[0\]) "(.*)"$', line)
            if match:
                current = match.group(1)
                fields[current] = match.group(2)
            elif line.startswith('"') and current:
                fields[current] += line[1:-1]
        if fields.get("msgid"):
            msgstr = fields.get("msgstr", fields.get("msgstr[0]", ""))
            # gettext keys a message with a context as "context\x04msgid".
            key = f"{fields['msgctxt']}\x04{fields['msgid']}" if "msgctxt" in fields else fields["msgid"]
            messages[_unescape(key)] = _unescape(msgstr)
    return messages


def test_the_compiled_catalogue_matches_its_source() -> None:
    with PO.with_suffix(".mo").open("rb") as handle:
        catalog = gettext.GNUTranslations(handle)._catalog  # type: ignore[attr-defined]
    compiled = {(k[0] if isinstance(k, tuple) else k): v for k, v in catalog.items() if k}
    source = _po_messages()
    assert source
    stale = {k: v for k, v in source.items() if compiled.get(k) != v}
    assert stale == {}, "run `make messages` to recompile locale/zh_Hans"
