"""libyaml's fast composer and the checked Python composer must give the same answers."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator import yamlfile


def _load(text: str, fast: bool, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setattr(yamlfile, "_FAST", fast)
    try:
        return repr(yamlfile.load_located_mapping(text))
    except yamlfile.YamlError as err:
        return repr(err)


CASES = [
    "title: A finding\ndate: 2026-10-14\ntags: [sso, admin]\n",
    "title: héllo wörld\ncustomers: [ä-corp]\n",
    "title: 1:30\nok: yes\nn: 12345\n",
    "a: &x [1, 2]\nb: *x\n",  # an alias: refused where it appears
    "a: " + "[" * 40 + "]" * 40 + "\n",  # nested deeper than MAX_DEPTH
    "title: 'unclosed\n",
    "- a\n- b\n",
    "title: x\ntitle: y\n",
    "t: !!python/object/apply:os.system [ls]\n",
    "",
]


@pytest.mark.parametrize("text", CASES)
def test_fast_and_checked_composers_agree(text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    assert _load(text, True, monkeypatch) == _load(text, False, monkeypatch)


_yamlish = st.text(alphabet="ab: -[]{},'\"\n#&*!é1", max_size=60)


@settings(max_examples=300, deadline=None)
@given(_yamlish)
def test_fast_and_checked_composers_agree_on_random_text(text: str) -> None:
    with pytest.MonkeyPatch.context() as mp:
        assert _load(text, True, mp) == _load(text, False, mp)
