"""Korean search tokens: the content morphemes of a text, found by Kiwi."""

from __future__ import annotations

import threading

from kiwipiepy import Kiwi

# Content-bearing parts of speech: common/proper nouns, verb and adjective stems, roots,
# foreign words (English terms such as "RAG"), numbers and Chinese characters. Particles,
# endings, suffixes, bound nouns and punctuation carry grammar, not topic, so they are dropped.
KEPT_TAGS = frozenset({"NNG", "NNP", "VV", "VA", "XR", "SL", "SN", "SH"})

# Stems and nouns that every learner question shares ("...이 뭐예요?", "설명해 주세요"); kept,
# they would reward materials for sounding like a question rather than for their topic.
STOPWORDS = frozenset(
    {
        "하", "되", "있", "없", "같", "않", "어떻", "그렇", "이렇", "알", "모르", "주", "보",
        "싶", "말", "설명", "궁금", "질문", "예", "경우", "정도", "때", "뭐", "무엇",
    }
)  # fmt: skip

# Course terms that Kiwi's general dictionary splits differently depending on what follows
# (e.g. "역전파" as 역전+파 in one sentence and 역+전파 in another), so a question and the
# material that answers it would share no token. Registered as nouns, they stay whole.
DOMAIN_NOUNS = ("역전파", "과적합", "과소적합", "비지도", "재순위화", "워터마크", "서브워드")

_kiwi: Kiwi | None = None
_kiwi_lock = threading.Lock()


def _get_kiwi() -> Kiwi:
    global _kiwi
    if _kiwi is None:
        with _kiwi_lock:
            if _kiwi is None:
                # The typo and multi-word dictionaries cost ~200 MB and a second of start-up
                # per worker; matching content words for BM25 does not need them.
                kiwi = Kiwi(load_typo_dict=False, load_multi_dict=False)
                for word in DOMAIN_NOUNS:
                    kiwi.add_user_word(word, "NNG")
                # The first analysis loads the language model (about a second); pay it here,
                # once, rather than inside the first learner's request.
                kiwi.tokenize("준비")
                _kiwi = kiwi
    return _kiwi


def tokenize(text: str) -> list[str]:
    """Return the content morphemes of a text in order, foreign words lowercased."""
    if not text or not text.strip():
        return []
    tokens = []
    for token in _get_kiwi().tokenize(text):
        # Irregular conjugations are tagged like "VA-I"; the base tag is what matters.
        tag = token.tag.split("-", 1)[0]
        if tag not in KEPT_TAGS:
            continue
        form = token.form.lower() if tag == "SL" else token.form
        if form not in STOPWORDS:
            tokens.append(form)
    return tokens


def warm_up() -> None:
    """Create the analyser and load its model now, so the first query is fast."""
    _get_kiwi()
