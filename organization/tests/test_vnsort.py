from organization.vnsort import name_sort_key


def _sorted(names):
    return sorted(names, key=name_sort_key)


def test_letters_follow_the_vietnamese_alphabet():
    # a < ă < â < b ... d < đ < e < ê ... o < ô < ơ ... u < ư
    names = ["Trần Văn Ư", "Trần Văn U", "Trần Văn Đ", "Trần Văn D", "Trần Văn Â", "Trần Văn Ă", "Trần Văn A",
             "Trần Văn Ơ", "Trần Văn Ô", "Trần Văn O", "Trần Văn Ê", "Trần Văn E"]
    assert [n.split()[-1] for n in _sorted(names)] == ["A", "Ă", "Â", "D", "Đ", "E", "Ê", "O", "Ô", "Ơ", "U", "Ư"]


def test_given_name_sorts_before_family_name():
    names = ["Nguyễn Văn Bình", "Trần Thị An", "Lê Văn Bình", "Phạm Thu Đào", "Vũ Đức Dũng"]
    assert _sorted(names) == ["Trần Thị An", "Lê Văn Bình", "Nguyễn Văn Bình", "Vũ Đức Dũng", "Phạm Thu Đào"]


def test_tone_marks_only_break_ties_and_do_not_split_letters():
    # "Hà" and "Hạ" are both H-A: they sort next to each other, before "Hải" (H-A-I).
    names = ["Lê Hải", "Lê Hạ", "Lê Hà", "Lê Ha"]
    assert _sorted(names) == ["Lê Ha", "Lê Hà", "Lê Hạ", "Lê Hải"]


def test_plain_codepoint_order_would_be_wrong():
    # Guard against regressing to str ordering: by code point "Đ" (U+0110) sorts after "Z"-like letters.
    names = ["Lê Văn Đông", "Lê Văn Em"]
    assert _sorted(names) == ["Lê Văn Đông", "Lê Văn Em"]
    assert sorted(names, reverse=False) == ["Lê Văn Em", "Lê Văn Đông"]  # what plain str order would give


def test_keys_use_only_characters_every_collation_orders_alike():
    # PostgreSQL clusters created with a locale (en_US.UTF-8, ICU) ignore spaces and punctuation
    # on the first pass; on lower-case letters and digits they agree with byte order.
    import re

    for name in ["Lê Văn Vy", "Đỗ Thị Yến", "Nguyễn Xuân Ư", "Phạm Văn 2", "Hà-Anh O'Neil"]:
        assert re.fullmatch(r"[a-z0-9]*", name_sort_key(name)), name


def test_a_shorter_given_name_sorts_first():
    assert _sorted(["Lê Anh", "Trần An", "Lê Văn Vy", "Lê Văn Uyên", "Lê Ư"]) == [
        "Trần An", "Lê Anh", "Lê Văn Uyên", "Lê Ư", "Lê Văn Vy"
    ]
