"""Vietnamese alphabetical order for names.

Vietnamese lists order letters a ă â b c d đ e ê g h i k l m n o ô ơ p q r s t u ư v x y, and
tone marks only break ties (no tone, huyền, hỏi, ngã, sắc, nặng). Lists of people are sorted by
given name (the last word), then by the rest of the name. `name_sort_key` turns a name into an
ASCII string whose plain byte order is that order, so it can be stored in an indexed column and
sorted by any database (SQLite and PostgreSQL alike) without a Vietnamese collation.

The key uses only lower-case letters and digits. Locale collations (glibc "en_US.UTF-8", ICU)
skip spaces and punctuation and fold case on the first pass, so a key containing them would sort
differently on a PostgreSQL cluster created with such a locale; on [a-z0-9] every collation
agrees with byte order.
"""

import unicodedata

ALPHABET = "aăâbcdđeêghiklmnoôơpqrstuưvxyfjwz"
# Tone marks as combining characters, in the order Vietnamese dictionaries use.
TONES = {"": 0, "\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}
# Combining marks that make a distinct letter rather than a tone.
LETTER_MARKS = {"\u0306", "\u0302", "\u031b"}  # breve, circumflex, horn


def _letters(word: str):
    """Yield (base letter, tone index) for each letter of a word, lower-cased."""
    decomposed = unicodedata.normalize("NFD", word.lower())
    base = ""
    tone = 0
    for char in decomposed:
        if unicodedata.combining(char):
            if char in LETTER_MARKS:
                base += char
            elif char in TONES:
                tone = TONES[char]
            continue
        if base:
            yield unicodedata.normalize("NFC", base), tone
        base, tone = char, 0
    if base:
        yield unicodedata.normalize("NFC", base), tone


# Separates words, and the letters from the tones: below every letter code, so a shorter word
# sorts before a longer one that starts the same way ("An" < "Anh").
SEPARATOR = "a"


def _letter_code(index: int) -> str:
    # Two letters from b..y per alphabet position: 33 positions, order kept.
    return chr(ord("b") + index // 24) + chr(ord("b") + index % 24)


def _word_key(word: str) -> tuple[str, str]:
    primary = []
    tones = []
    for letter, tone in _letters(word):
        index = ALPHABET.find(letter)
        if index < 0:
            # Digits and other symbols sort before letters, by code point.
            primary.append("0" + format(ord(letter) % 1000, "03d"))
        else:
            primary.append(_letter_code(index))
        tones.append(str(tone))
    return "".join(primary), "".join(tones)


def name_sort_key(full_name: str) -> str:
    """ASCII key sorting `full_name` by given name, then family and middle names, Vietnamese order."""
    words = full_name.split()
    if not words:
        return ""
    ordered = [words[-1], *words[:-1]]
    keys = [_word_key(w) for w in ordered]
    # Primary letters of every word first; tones only break ties between equal spellings.
    primary = SEPARATOR.join(k[0] for k in keys)
    tones = "".join(k[1] for k in keys)
    return f"{primary}{SEPARATOR}{tones}"[:255]


def given_name(full_name: str) -> str:
    words = full_name.split()
    return words[-1] if words else ""
