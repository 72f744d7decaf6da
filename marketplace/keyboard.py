"""Vietnamese as it comes off a keyboard: Telex and VNI residue, and where a tone mark sits.

Pure (no Flask, no database); search and the product-phrase reader both use it.

Telex and VNI are input methods: the keys after a vowel add its marks ("xoaif" → xoài, "xoai2"
→ xoài). When the input method is off, or the phone's keyboard ignores it, the keys stay in the
text as letters and digits: the residue. `read_typing_residue` reads a word back as the
Vietnamese it spells, and only when it surely is residue: the keys must be ones Telex or VNI
would have turned into marks, and what they spell must be one valid Vietnamese syllable. So
English words ("mango", "pineapples"), variety codes ("Ri6", "MD2", "ST25") and Vietnamese typed
without accents ("xoai", "sen") come back None.

A word with its tone written over another letter ("hoà" and "hòa", "thuý" and "thúy") is the
same word; NFC does not make them equal, `place_tone` does: it writes the tone where the
older, more common style puts it (hòa, thúy, khỏe), which is how the catalogue writes them.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

__all__ = ["place_tone", "read_typing_residue"]

# Tone marks as combining characters (NFD), and the keys that type them.
ACUTE, GRAVE, HOOK, TILDE, DOT = "\u0301", "\u0300", "\u0309", "\u0303", "\u0323"
TONE_MARKS = frozenset({ACUTE, GRAVE, HOOK, TILDE, DOT})
TELEX_TONES = {"s": ACUTE, "f": GRAVE, "r": HOOK, "x": TILDE, "j": DOT}
VNI_TONES = {"1": ACUTE, "2": GRAVE, "3": HOOK, "4": TILDE, "5": DOT}

VOWELS = frozenset("aăâeêioôơuưy")
MARKED_VOWELS = frozenset("ăâêôơư")
CIRCUMFLEX = {"a": "â", "e": "ê", "o": "ô"}
HORN_OR_BREVE = {"a": "ă", "o": "ơ", "u": "ư"}  # what Telex "w" does to each

ONSETS = ("ngh", "ng", "nh", "ch", "gh", "gi", "kh", "ph", "qu", "th", "tr",
          "b", "c", "d", "đ", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "x", "")
FRONT = ("e", "ê", "i", "y")  # the vowels that take k, gh, ngh rather than c, g, ng
STOPS = ("c", "ch", "p", "t")  # a syllable ending in one of these takes only the acute or dot tone

# Every rhyme (vowel nucleus and final) of the language, without tones. A rhyme after "qu" or
# "gi" drops the u or i the onset already wrote ("quý" is qu + y, "giêng" is gi + êng).
RHYMES = frozenset("""
a ai ao au ay ac ach am an ang anh ap at
ăc ăm ăn ăng ăp ăt
âc âm ân âng âp ât âu ây
e eo ec em en eng ep et
ê êu êch êm ên ênh êp êt
i ia iu ich im in inh ip it
iêc iêm iên iêng iêp iêt iêu
o oi oc om on ong op ot ooc oong
oa oai oao oay oac oach oam oan oang oanh oap oat
oăc oăm oăn oăng oăt
oe oeo oen oet
ô ôi ôc ôm ôn ông ôp ôt
ơ ơi ơm ơn ơp ơt
u ua ui uc um un ung up ut
uân uâng uât uây
uê uêch uênh
uôi uôc uôm uôn uông uôt
uơ
uy uya uyu uych uynh uyt uyên uyêt
ư ưa ưi ưu ưc ưm ưn ưng ưt
ươi ươu ươc ươm ươn ương ươp ươt
y yêm yên yêt yêu
""".split())


def _split(syllable: str) -> tuple[str, str] | None:
    """(onset, rest) of a lower-case syllable without tone, or None when it is not one."""
    for onset in ONSETS:
        if not syllable.startswith(onset):
            continue
        rest = syllable[len(onset):]
        if not rest:
            continue
        if onset == "qu":
            if rest in RHYMES or "u" + rest in RHYMES:
                return onset, rest
            continue
        if onset == "gi":
            # "gìn" is g + in: the tone needs a vowel of its own after gi.
            if any(c in VOWELS for c in rest) and (rest in RHYMES or "i" + rest in RHYMES):
                return onset, rest
            continue
        if rest not in RHYMES:
            continue
        front = rest.startswith(FRONT)
        if (onset in ("c", "ng") and front) or (onset == "g" and rest.startswith(("e", "ê"))):
            continue  # written k, ngh, gh
        if onset in ("k", "gh", "ngh") and not front:
            continue
        return onset, rest
    return None


def _tone_position(rest: str) -> int:
    """Which letter of the rhyme carries the tone (older style: hòa, thúy, khỏe)."""
    vowels = [i for i, c in enumerate(rest) if c in VOWELS]
    if "ươ" in rest:
        return rest.index("ươ") + 1
    marked = [i for i in vowels if rest[i] in MARKED_VOWELS]
    if marked:
        return marked[-1]  # iê, uô, uâ, ưa: the vowel with the hat or horn
    if rest[-1] not in VOWELS:
        return vowels[-1]  # a final consonant: the last vowel (toán, quýt)
    if len(vowels) >= 3:
        return vowels[1]  # oai, uya, oay: the middle one
    return vowels[0]


def _spell(base: str, tone: str | None) -> str | None:
    """The syllable `base` (lower case, NFC, no tone) with `tone` placed, or None if invalid."""
    parts = _split(base)
    if parts is None:
        return None
    onset, rest = parts
    if tone is None:
        return base
    if tone not in (ACUTE, DOT) and rest.endswith(STOPS):
        return None  # "càt" is no syllable: c, ch, p, t end only sắc and nặng syllables
    at = len(onset) + _tone_position(rest)
    return unicodedata.normalize("NFC", base[:at + 1] + tone + base[at + 1:])


@lru_cache(maxsize=65536)
def place_tone(word: str) -> str:
    """The word (NFC) with its tone mark where this module writes it: "hoà" → "hòa",
    "thuý" → "thúy", "Hoà" → "Hòa". Anything that is not one Vietnamese syllable with one tone
    mark comes back as it was (in NFC). Case is kept.

    Search indexes and reads accented words through this, so that the two ways of writing a
    tone meet; every other comparison can fold.
    """
    if word.isascii():
        return word
    decomposed = unicodedata.normalize("NFD", word)
    tones = [c for c in decomposed if c in TONE_MARKS]
    if len(tones) != 1:
        return unicodedata.normalize("NFC", word)
    toneless = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in TONE_MARKS))
    spelled = _spell(toneless.lower(), tones[0])
    if spelled is None:
        return unicodedata.normalize("NFC", word)
    at = next(i for i, c in enumerate(unicodedata.normalize("NFD", spelled)) if c in TONE_MARKS)
    # The same position in the original letters, so that capitals stay where they were.
    letters = unicodedata.normalize("NFD", toneless)
    return unicodedata.normalize("NFC", letters[:at] + tones[0] + letters[at:])


def read_typing_residue(word: str) -> str | None:
    """The accented word that Telex or VNI residue spells, in lower case NFC; None when `word`
    is not residue.

    Telex: s f r x j are the tones (z clears), aa â, aw ă, ee ê, oo ô, ow ơ, uw ư, w alone ư,
    dd đ; a tone key may come right after the vowel or at the end ("xoafi", "xoaif"). VNI: 1–5
    the tones, 6 the circumflex, 7 the horn, 8 the breve, 9 đ. Examples: "xoaif" → "xoài",
    "cats" → "cát", "dduwsa" → "đứa", "quyts" → "quýt", "xoai2" → "xoài", "d9u7a1" → "đứa".

    Conservative, because a wrong reading is worse than none: only letters and digits in ASCII;
    at least one key that only residue explains (a tone key, w, dd, a VNI digit) — a doubled
    vowel alone is no proof ("queen", "moon"); the result is one valid syllable of two letters
    or more; and a VNI digit never stands next to another digit (numbers, "ST25", "OM5451").
    """
    if not word or len(word) > 12 or not word.isascii() or not word.isalnum():
        return None
    word = word.lower()
    if any(c.isdigit() for c in word):
        spelled = _vni(word)
    else:
        spelled = _telex(word)
    if spelled is None or len(spelled) < 2:
        return None
    return spelled


def _nucleus_start(letters: list[str]) -> int:
    """Where the vowels that can take marks start: after the u of qu."""
    return 2 if letters[:2] == ["q", "u"] else 0


def _uo(letters: list[str]) -> int | None:
    """The position of a plain "uo" (the u of qu aside), which one horn key turns into ươ."""
    start = _nucleus_start(letters)
    for i in range(start, len(letters) - 1):
        if letters[i] in ("u", "ư") and letters[i + 1] == "o":
            return i
    return None


def _horn(letters: list[str], *, adjacent_only: bool) -> bool:
    """Telex w: the horn on uo, o or u, or the breve on a; on the letter just typed (uw, ow, aw)
    with `adjacent_only`, else on the syllable's one a, o or u (w typed after the final:
    "trangw"). True when it found the letter to mark."""
    pair = _uo(letters)
    if pair is not None and (not adjacent_only or pair == len(letters) - 2):
        letters[pair:pair + 2] = ["ư", "ơ"]
        return True
    start = _nucleus_start(letters)
    if adjacent_only:
        if len(letters) > start and letters[-1] in HORN_OR_BREVE:
            letters[-1] = HORN_OR_BREVE[letters[-1]]
            return True
        return False
    candidates = [i for i in range(start, len(letters)) if letters[i] in HORN_OR_BREVE]
    if len(candidates) != 1:
        return False
    i = candidates[0]
    letters[i] = HORN_OR_BREVE[letters[i]]
    return True


def _has_vowel(letters: list[str]) -> bool:
    return any(c in VOWELS for c in letters)


def _finish(letters: list[str], tone: str | None) -> str | None:
    base = unicodedata.normalize("NFC", "".join(letters))
    # "ưo" and "uơ" before more letters are half-typed ươ, and ươ ending the word is uơ (thuở):
    # input methods write them so too.
    base = base.replace("ưo", "ươ")
    at = base.find("uơ")
    if at > 0 and base[at - 1] != "q" and at + 2 < len(base):
        base = base[:at] + "ươ" + base[at + 2:]
    if base.endswith("ươ"):
        base = base[:-2] + "uơ"
    return _spell(base, tone)


def _telex(word: str) -> str | None:
    letters: list[str] = []
    tone: str | None = None
    proof = False  # a key that plain text never has: a tone after a vowel, w, dd
    last_key = ""
    for ch in word:
        if ch in "sfrxjz" and _has_vowel(letters):
            if ch == last_key:
                return None  # a tone key twice types the letter itself
            tone = None if ch == "z" else TELEX_TONES[ch]
            proof = proof or ch != "z"
            last_key = ch
            continue
        last_key = ""
        if ch == "d" and letters == ["d"]:
            letters[0] = "đ"
            proof = True
        elif ch in CIRCUMFLEX and letters and letters[-1] == ch:
            letters[-1] = CIRCUMFLEX[ch]
        elif ch == "w":
            if not _has_vowel(letters[_nucleus_start(letters):]):
                letters.append("ư")  # "nhw" is như
            elif not (_horn(letters, adjacent_only=True) or _horn(letters, adjacent_only=False)):
                return None
            proof = True
        elif ch in "fjwz":
            return None  # not a Vietnamese letter, and no vowel before it to mark
        else:
            letters.append(ch)
    if not proof:
        return None
    return _finish(letters, tone)


def _vni(word: str) -> str | None:
    if word[0].isdigit() or re.search(r"\d\d", word):
        return None
    letters: list[str] = []
    tone: str | None = None
    used: list[str] = []
    for ch in word:
        if not ch.isdigit():
            letters.append(ch)
            continue
        if ch in used and ch != "7":  # u7o7 is how many type ươ
            return None
        used.append(ch)
        if ch in VNI_TONES:
            if tone is not None or not _has_vowel(letters):
                return None
            tone = VNI_TONES[ch]
        elif ch == "6":
            start = _nucleus_start(letters)
            targets = [i for i in range(start, len(letters)) if letters[i] in CIRCUMFLEX]
            if not targets:
                return None
            letters[targets[-1]] = CIRCUMFLEX[letters[targets[-1]]]
        elif ch == "7":
            pair = _uo(letters)
            if pair is not None:
                letters[pair:pair + 2] = ["ư", "ơ"]
            else:
                start = _nucleus_start(letters)
                targets = [i for i in range(start, len(letters)) if letters[i] in ("o", "u")]
                if not targets:
                    return None
                letters[targets[-1]] = HORN_OR_BREVE[letters[targets[-1]]]
        elif ch == "8":
            targets = [i for i, c in enumerate(letters) if c == "a"]
            if not targets:
                return None
            letters[targets[-1]] = "ă"
        elif ch == "9":
            if letters[:1] != ["d"]:
                return None
            letters[0] = "đ"
        else:
            return None  # 0 clears marks in VNI; a 0 in a word is far likelier a code
    return _finish(letters, tone)
