"""English is available for every page: each message in the catalogues has an English translation,
none is left empty or marked as a guess (fuzzy entries are not used at run time)."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CATALOGUES = sorted(ROOT.glob("*/locale/en/LC_MESSAGES/django.po"))
ENTRY = re.compile(r'(#, [^\n]*\n)?((?:msgctxt[^\n]*\n)?msgid (?:"[^\n]*"\n)+(?:msgid_plural[^\n]*\n)?)((?:msgstr[^\n]*\n(?:"[^\n]*"\n)*)+)')


def untranslated(text: str) -> list[str]:
    problems = []
    for flags, msgid, msgstr in ENTRY.findall(text):
        if msgid == 'msgid ""\n':  # the catalogue's header
            continue
        translations = re.findall(r'"(.*)"', msgstr)
        if "fuzzy" in flags or not "".join(translations):
            problems.append(msgid.strip())
    return problems


def test_the_catalogues_are_found():
    assert {path.parts[-5] for path in CATALOGUES} >= {"config", "stations", "projects", "workforce", "assessments"}


@pytest.mark.parametrize("catalogue", CATALOGUES, ids=lambda path: path.parts[-5])
def test_every_message_has_an_english_translation(catalogue):
    assert untranslated(catalogue.read_text(encoding="utf-8")) == []
