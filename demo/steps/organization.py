"""The demo province: a unit tree and its inspection cadres, on the unit levels and positions of
organization.reference_data (created by a migration; production has them too).

"Đảng bộ tỉnh Hải Đông" is shaped like the province of the source document after the 2025
reform: 20 bodies directly under the province (six sector bodies and fourteen merged
ward/commune/special-zone committees), a few hundred grassroots committees under them, their
cells, and the three district committees closed on 30/06/2025 (kept for history). About 3,000
cadres hold the positions of the inspection committees, with grades, theory levels, election or
appointment dates (some elected this year), a few retired or rotated, and a dated position history.

Everything is written with bulk inserts (materialized paths computed here), so the whole province
loads in seconds. `load` is a `load_demo` step; see demo/management/commands/load_demo.py.
"""

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from django.db import transaction

from organization.models import (
    FULLTIME_DEPUTY_THRESHOLD,
    Cadre,
    CadreStatus,
    Gender,
    Grade,
    Position,
    PositionAssignment,
    TheoryLevel,
    Unit,
    UnitKind,
    UnitLevel,
    UnitPlacement,
)
from organization.reference_data import COMMUNE_LEVEL as COMMUNE_LEVEL_CODE
from organization.reference_data import LEVELS, POSITIONS, REFORM_DAY, level_defaults, position_defaults
from organization.vnsort import name_sort_key

PROVINCE_CODE = "HD"
PROVINCE_NAME = "Đảng bộ tỉnh Hải Đông"
MANAGER_UNIT_CODE = "HD07"  # Đảng bộ phường Bạch Đằng
MANAGER2_UNIT_CODE = "HD03"  # Đảng bộ Công an tỉnh
LEARNER_CADRE_CODE = "HD-CB-00001"
LEARNER_NAME = "Trần Thị Minh Thu"
DEFAULT_GRASSROOTS = 700
MIN_GRASSROOTS = 20
DEFAULT_CADRES = 3000
MIN_CADRES = 50
BATCH_SIZE = 5000

CHAIR, DEPUTY_FT, DEPUTY_PT, MEMBER_FT, MEMBER_PT, STAFF, SECRETARY, DEPUTY_SECRETARY = (p[0] for p in POSITIONS)

FAMILY_NAMES = (
    ("Nguyễn", 30), ("Trần", 11), ("Lê", 9), ("Phạm", 7), ("Hoàng", 5), ("Huỳnh", 2), ("Phan", 4),
    ("Vũ", 5), ("Võ", 2), ("Đặng", 3), ("Bùi", 3), ("Đỗ", 3), ("Hồ", 1), ("Ngô", 2), ("Dương", 2),
    ("Lý", 1), ("Đinh", 2), ("Đào", 2), ("Trịnh", 1), ("Lương", 1), ("Mai", 1), ("Tạ", 1), ("Vương", 1),
)
MIDDLE_NAMES = {
    Gender.MALE: ("Văn", "Đức", "Minh", "Quốc", "Hữu", "Thanh", "Công", "Xuân", "Ngọc", "Trọng", "Quang",
                  "Mạnh", "Tiến", "Đình", "Duy", "Hoàng", "Văn", "Văn"),
    Gender.FEMALE: ("Thị", "Thu", "Thanh", "Ngọc", "Phương", "Minh", "Thùy", "Hồng", "Kim", "Bích", "Diệu",
                    "Thị", "Thị", "Thị", "Hải", "Khánh"),
}
GIVEN_NAMES = {
    Gender.MALE: ("Hùng", "Dũng", "Tuấn", "Cường", "Hải", "Long", "Nam", "Sơn", "Thắng", "Trung", "Quân",
                  "Khánh", "Phong", "Hiếu", "Huy", "Đạt", "Thành", "Bình", "Toàn", "Việt", "Lâm", "Kiên",
                  "Duy", "Hưng", "Phúc", "Vinh", "Đức", "An", "Tùng", "Quang", "Thái", "Hoàng", "Tâm",
                  "Chiến", "Lợi", "Hậu", "Tú", "Đông", "Ân", "Bảo", "Định", "Nghĩa"),
    Gender.FEMALE: ("Lan", "Hương", "Hoa", "Mai", "Hà", "Linh", "Thảo", "Trang", "Ngọc", "Yến", "Nga",
                    "Huyền", "Hằng", "Phương", "Thủy", "Dung", "Nhung", "Oanh", "Loan", "Vân", "Giang",
                    "Anh", "Ánh", "Ly", "My", "Quyên", "Diệp", "Uyên", "Châu", "Ngân", "Hạnh", "Thu",
                    "Liên", "Tuyết", "Hiền", "Lụa", "Đào", "Xuân"),
}

PLACES = (
    "An Hải", "An Lạc", "Bình Minh", "Cao Thắng", "Cẩm Bình", "Cửa Lục", "Đại Yên", "Đông Mai",
    "Đông Sơn", "Đồng Tâm", "Giếng Đáy", "Hà An", "Hà Phong", "Hải Hòa", "Hải Xuân", "Hoàng Tân",
    "Hồng Phong", "Hưng Đạo", "Kim Sơn", "Liên Hòa", "Minh Thành", "Nam Hòa", "Phong Cốc",
    "Phương Đông", "Quang Hanh", "Quang Trung", "Sông Khoai", "Tân An", "Tân Lập", "Thanh Sơn",
    "Thống Nhất", "Tiền Phong", "Trần Phú", "Trưng Vương", "Vàng Danh", "Việt Dân", "Yên Thanh",
    "Yết Kiêu", "Bắc Sơn", "Nam Khê", "Lê Lợi", "Hòa Lạc", "Tân Việt", "Đức Chính", "Xuân Sơn",
    "Mạo Khê", "Hồng Thái", "Bình Dương", "Thủy An", "Cộng Hòa", "Hiệp Hòa", "Phú Hải", "Đầm Hà",
    "Quảng Lợi", "Hải Lạng", "Đông Ngũ", "Vạn Ninh", "Quan Lạn", "Minh Châu", "Ngọc Vừng",
)

# The sector Party committees directly under the Provincial Committee (before and after 2025):
# code, name, weight (share of the grassroots committees), profile.
SECTORS = (
    ("HD01", "Đảng bộ các cơ quan Đảng tỉnh", 3, "party"),
    ("HD02", "Đảng bộ Ủy ban nhân dân tỉnh", 10, "government"),
    ("HD03", "Đảng bộ Công an tỉnh", 7, "police"),
    ("HD04", "Đảng bộ Quân sự tỉnh", 4, "military"),
    ("HD05", "Đảng bộ Bộ đội Biên phòng tỉnh", 3, "border"),
    ("HD06", "Đảng bộ Than Hải Đông", 6, "coal"),
)
# The 2020–2025 term's district level (closed on 30/06/2025) and the commune-level Party committees
# formed from it on 01/07/2025: district code, name, [(kind, place)] of its successors
# ("phường", "xã", "đặc khu"). 54 successors, as Quảng Ninh has: wards, communes, two special zones.
DISTRICTS = (
    ("HDH01", "Đảng bộ thành phố Hạ Long", (
        ("phường", "Bạch Đằng"), ("phường", "Hồng Gai"), ("phường", "Hạ Long"), ("phường", "Tuần Châu"),
        ("phường", "Việt Hưng"), ("phường", "Bãi Cháy"), ("phường", "Hà Tu"), ("phường", "Hà Lầm"),
        ("phường", "Cao Xanh"), ("phường", "Hoành Bồ"), ("xã", "Quảng La"), ("xã", "Thống Nhất"))),
    ("HDH02", "Đảng bộ thành phố Cẩm Phả", (
        ("phường", "Cẩm Phả"), ("phường", "Quang Hanh"), ("phường", "Cửa Ông"), ("phường", "Mông Dương"),
        ("xã", "Cộng Hòa"))),
    ("HDH03", "Đảng bộ thành phố Uông Bí", (("phường", "Uông Bí"), ("phường", "Vàng Danh"), ("phường", "Yên Tử"))),
    ("HDH04", "Đảng bộ thành phố Móng Cái", (
        ("phường", "Móng Cái 1"), ("phường", "Móng Cái 2"), ("phường", "Móng Cái 3"), ("xã", "Hải Sơn"),
        ("xã", "Hải Ninh"), ("xã", "Vĩnh Thực"))),
    ("HDH05", "Đảng bộ thị xã Đông Triều", (
        ("phường", "Đông Triều"), ("phường", "Bình Khê"), ("phường", "Mạo Khê"), ("phường", "Hoàng Quế"),
        ("xã", "An Sinh"))),
    ("HDH06", "Đảng bộ thị xã Quảng Yên", (
        ("phường", "Quảng Yên"), ("phường", "Đông Mai"), ("phường", "Hiệp Hòa"), ("phường", "Phong Cốc"),
        ("xã", "Liên Hòa"))),
    ("HDH07", "Đảng bộ huyện Tiên Yên", (("xã", "Tiên Yên"), ("xã", "Điền Xá"), ("xã", "Đông Ngũ"),
                                          ("xã", "Hải Lạng"))),
    ("HDH08", "Đảng bộ huyện Ba Chẽ", (("xã", "Ba Chẽ"), ("xã", "Lương Minh"), ("xã", "Kỳ Thượng"))),
    ("HDH09", "Đảng bộ huyện Bình Liêu", (("xã", "Bình Liêu"), ("xã", "Hoành Mô"), ("xã", "Lục Hồn"))),
    ("HDH10", "Đảng bộ huyện Đầm Hà", (("xã", "Đầm Hà"), ("xã", "Quảng Tân"))),
    ("HDH11", "Đảng bộ huyện Hải Hà", (("xã", "Quảng Hà"), ("xã", "Đường Hoa"), ("xã", "Quảng Đức"),
                                        ("xã", "Cái Chiên"))),
    ("HDH12", "Đảng bộ huyện Vân Đồn", (("đặc khu", "Vân Đồn"),)),
    ("HDH13", "Đảng bộ huyện Cô Tô", (("đặc khu", "Cô Tô"),)),
)
FIRST_COMMUNE_LEVEL = 7  # HD07 … HD60, after the six sectors
# Share of the grassroots units under the sectors; the rest sit under the commune-level committees
# (before 2025: under the districts), weighted by kind.
SECTOR_SHARE = 0.33
COMMUNE_LEVEL_WEIGHT = {"phường": 10, "xã": 8, "đặc khu": 14}
# How many old commune/ward Party committees (2020–2025 grassroots) each new committee was formed from.
OLD_COMMUNES_PER_NEW = 3
REFORM_EVE = REFORM_DAY - dt.timedelta(days=1)  # 30/06/2025: the district level's last day
REFORM_REASON = "Kết thúc hoạt động cấp huyện, sắp xếp tổ chức bộ máy (01/07/2025)"


def _commune_level():
    """(code, name, kind word, place, district code) of the 54 commune-level committees."""
    result, number = [], FIRST_COMMUNE_LEVEL
    for district_code, _name, successors in DISTRICTS:
        for word, place in successors:
            result.append((f"HD{number:02d}", f"Đảng bộ {word} {place}", word, place, district_code))
            number += 1
    return result


COMMUNE_LEVEL = _commune_level()
# Every body directly under the province today (sectors first): code, name.
COMMUNE_LEVEL_CODES = frozenset(c[0] for c in COMMUNE_LEVEL)
BODIES = tuple((code, name) for code, name, *_ in SECTORS) + tuple((c[0], c[1]) for c in COMMUNE_LEVEL)
CLOSED_DISTRICTS = tuple((code, name) for code, name, _ in DISTRICTS)

AGENCIES = {
    "party": ("Văn phòng Tỉnh ủy", "Ban Tổ chức Tỉnh ủy", "Ủy ban Kiểm tra Tỉnh ủy",
              "Ban Tuyên giáo và Dân vận Tỉnh ủy", "Ban Nội chính Tỉnh ủy", "Ban Chính sách, chiến lược Tỉnh ủy",
              "Trường Chính trị tỉnh",
              "Báo và Phát thanh, Truyền hình tỉnh", "Ủy ban Mặt trận Tổ quốc tỉnh", "Văn phòng Đoàn ĐBQH và HĐND tỉnh",
              "Hội Nông dân tỉnh", "Hội Liên hiệp Phụ nữ tỉnh", "Tỉnh đoàn", "Liên đoàn Lao động tỉnh"),
    "government": ("Văn phòng UBND tỉnh", "Sở Tài chính", "Sở Nội vụ", "Sở Tư pháp", "Sở Xây dựng",
                   "Sở Nông nghiệp và Môi trường", "Sở Công Thương", "Sở Giáo dục và Đào tạo", "Sở Y tế",
                   "Sở Văn hóa, Thể thao và Du lịch", "Sở Khoa học và Công nghệ", "Thanh tra tỉnh",
                   "Bệnh viện Đa khoa tỉnh", "Bệnh viện Sản Nhi tỉnh", "Trường Đại học Hải Đông",
                   "Trường Cao đẳng Y tế Hải Đông", "Ban Quản lý Khu kinh tế", "Kho bạc Nhà nước khu vực",
                   "Cục Thuế tỉnh", "Bảo hiểm xã hội tỉnh", "Trường THPT chuyên Hải Đông", "Đài Khí tượng thủy văn"),
    "police": ("Phòng Tham mưu", "Phòng An ninh chính trị nội bộ", "Phòng An ninh kinh tế", "Phòng Cảnh sát hình sự",
               "Phòng Cảnh sát kinh tế", "Phòng Cảnh sát giao thông", "Phòng Cảnh sát PCCC và CNCH",
               "Phòng Cảnh sát điều tra tội phạm về ma túy", "Phòng Xây dựng phong trào", "Phòng Hậu cần",
               "Trại tạm giam", "Phòng Quản lý xuất nhập cảnh", "Phòng Kỹ thuật hình sự"),
    "military": ("Cơ quan Bộ Chỉ huy Quân sự tỉnh", "Trung đoàn 244", "Ban Chỉ huy Phòng thủ khu vực 1",
                 "Ban Chỉ huy Phòng thủ khu vực 2", "Ban Chỉ huy Phòng thủ khu vực 3",
                 "Ban Chỉ huy Phòng thủ khu vực 4",
                 "Tiểu đoàn Huấn luyện - Cơ động", "Đại đội Trinh sát", "Trường Quân sự tỉnh"),
    "border": ("Cơ quan Bộ Chỉ huy Bộ đội Biên phòng tỉnh", "Hải đội Biên phòng 2", "Đồn Biên phòng cửa khẩu Bắc Luân",
               "Đồn Biên phòng Hoành Mô", "Đồn Biên phòng Pò Hèn", "Đồn Biên phòng Quan Lạn", "Đồn Biên phòng Cô Tô",
               "Đồn Biên phòng Vạn Yên", "Tiểu đoàn Huấn luyện - Cơ động Biên phòng"),
}
COAL_COMPANIES = ("Than Núi Đỏ", "Than Đồng Mỏ", "Tuyển than Cửa Ông", "Than Khe Sim", "Than Hà Ráng", "Than Cọc Sáu",
                  "Than Đèo Nai", "Than Vàng Danh", "Than Mạo Khê", "Than Thống Nhất", "Than Dương Huy", "Than Hòn Gai",
                  "Kho vận Đá Bạc", "Cơ khí mỏ Hải Đông", "Địa chất mỏ", "Than Quang Hanh", "Xây lắp mỏ")
# Once a sector body's own agencies are used up, more of the same kind, named after places.
AGENCY_OVERFLOW = {
    "party": ("Hội Cựu chiến binh {p}", "Hội Chữ thập đỏ {p}"),
    "government": ("Trường THPT {p}", "Trung tâm Y tế khu vực {p}", "Thuế cơ sở {p}",
                   "Ban Quản lý rừng phòng hộ {p}"),
    "police": ("Công an xã {p}", "Công an phường {p}"),
    "military": ("Ban Chỉ huy Quân sự xã {p}",),
    "border": ("Đồn Biên phòng {p}",),
}
LOCAL_AGENCIES = ("Trường THCS {p}", "Trường Tiểu học {p}", "Trường Mầm non {p}", "Trạm Y tế {p}", "Trường THPT {p}")
LOCAL_ENTERPRISES = ("Công ty cổ phần Xây dựng {p}", "Công ty cổ phần Thủy sản {p}", "Công ty TNHH Du lịch {p}",
                     "Hợp tác xã Nông nghiệp {p}", "Công ty cổ phần Vận tải {p}", "Chi nhánh Điện lực {p}")


@dataclass
class UnitSpec:
    """A unit to insert, and the children to insert under it."""

    unit: Unit
    children: list["UnitSpec"] = field(default_factory=list)


def _step(number: int) -> str:
    alphabet, steplen = Unit.alphabet, Unit.steplen
    digits = ""
    while number:
        number, rest = divmod(number, len(alphabet))
        digits = alphabet[rest] + digits
    if len(digits) > steplen:
        raise ValueError("Too many children for the tree's path step.")
    return digits.rjust(steplen, alphabet[0])


def insert_subtree(*, parent: Unit, children: list[UnitSpec], batch_size: int = BATCH_SIZE, on_batch=None) -> int:
    """Insert `children` (and their descendants) under `parent` with bulk inserts.

    Guarantees a valid treebeard tree: each sibling group is placed in `code` order (the model's
    `node_order_by`) after the parent's existing children, and path, depth and numchild are set
    for every inserted node and for the parent. Returns the number of units inserted."""
    parent = Unit.objects.get(pk=parent.pk)
    last_child = parent.get_last_child()
    start = int(last_child.path[-Unit.steplen:], len(Unit.alphabet)) if last_child else 0
    rows: list[Unit] = []

    def place(spec_list, parent_path, depth, first):
        spec_list.sort(key=lambda spec: spec.unit.code)
        for index, spec in enumerate(spec_list, start=first + 1):
            spec.unit.path = parent_path + _step(index)
            spec.unit.depth = depth
            spec.unit.numchild = len(spec.children)
            rows.append(spec.unit)
            place(spec.children, spec.unit.path, depth + 1, 0)

    place(children, parent.path, parent.depth + 1, start)
    for offset in range(0, len(rows), batch_size):
        Unit.objects.bulk_create(rows[offset : offset + batch_size], batch_size=batch_size)
        if on_batch is not None:
            on_batch(min(offset + batch_size, len(rows)), len(rows))
    Unit.objects.filter(pk=parent.pk).update(numchild=parent.numchild + len(children))
    return len(rows)


# Migration organization.0007_reference_data creates the levels and positions; these read them, and
# create one only where it is missing (a test database flushed by a transactional test).
def ensure_levels() -> dict[str, UnitLevel]:
    levels = {}
    for row in LEVELS:
        code, defaults = level_defaults(row)
        levels[code], _ = UnitLevel.objects.get_or_create(code=code, defaults=defaults)
    return levels


def ensure_positions() -> dict[str, Position]:
    positions = {}
    for row in POSITIONS:
        code, defaults = position_defaults(row)
        positions[code], _ = Position.objects.get_or_create(code=code, defaults=defaults)
    return positions


def vietnamese_name(rng, gender: str) -> str:
    families, weights = zip(*FAMILY_NAMES, strict=True)
    family = rng.choices(families, weights)[0]
    middle = rng.choice(MIDDLE_NAMES[gender])
    while middle == family:  # no "Hoàng Hoàng Trung"
        middle = rng.choice(MIDDLE_NAMES[gender])
    if middle in {"Thị", "Văn"} and rng.random() < 0.2:  # a second middle name: "Nguyễn Thị Thu Hà"
        second = rng.choice(MIDDLE_NAMES[gender])
        middle = middle if second in {"Thị", "Văn"} else f"{middle} {second}"
    given = rng.choice(GIVEN_NAMES[gender])
    while given == family or given in middle.split():  # no "Nguyễn Thu Thu"
        given = rng.choice(GIVEN_NAMES[gender])
    return f"{family} {middle} {given}"


def _allocate(total: int, weights: list[int]) -> list[int]:
    """Split `total` by `weights`, at least one each (largest remainder)."""
    counts = [1] * len(weights)
    rest = total - len(weights)
    whole = sum(weights)
    shares = [rest * weight / whole for weight in weights]
    for index, share in enumerate(shares):
        counts[index] += int(share)
    leftovers = total - sum(counts)
    order = sorted(range(len(weights)), key=lambda i: shares[i] - int(shares[i]), reverse=True)
    for index in order[:leftovers]:
        counts[index] += 1
    return counts


class _Names:
    """Unique unit names within one body."""

    def __init__(self):
        self.used: set[str] = set()

    def unique(self, candidate: str) -> str:
        name, number = candidate, 1
        while name in self.used:
            number += 1
            name = f"{candidate} {number}"
        self.used.add(name)
        return name


def _grassroots_for(profile: str, count: int, rng) -> list[tuple[str, str, int]]:
    """(name, kind, party members) for the grassroots committees of one body."""
    names = _Names()
    places = list(PLACES)
    rng.shuffle(places)
    result = []
    for index in range(count):
        place = places[index % len(places)]
        if profile in AGENCIES:
            agencies, overflow = AGENCIES[profile], AGENCY_OVERFLOW[profile]
            if index < len(agencies):
                organisation = names.unique(agencies[index])
            else:
                organisation = names.unique(overflow[(index - len(agencies)) % len(overflow)].format(p=place))
            big = organisation.startswith(("Phòng Tham mưu", "Cơ quan", "Bệnh viện", "Trường Đại học", "Trung đoàn"))
            kind, members = UnitKind.AGENCY, rng.randint(300, 480) if big else rng.randint(15, 160)
        elif profile == "coal":
            if index < len(COAL_COMPANIES):
                organisation = names.unique("Công ty " + COAL_COMPANIES[index])
            else:
                organisation = names.unique(f"Xí nghiệp Than {place}")
            kind, members = UnitKind.ENTERPRISE, rng.randint(250, 1400)
        else:
            roll = rng.random()
            if roll < 0.45:
                organisation = names.unique(f"khu vực {place}")
                kind = UnitKind.WARD if profile == "ward" else UnitKind.COMMUNE
                members = rng.randint(150, 700)
            elif roll < 0.85:
                template = LOCAL_AGENCIES[rng.randrange(len(LOCAL_AGENCIES))]
                organisation = names.unique(template.format(p=place))
                kind, members = UnitKind.AGENCY, rng.randint(12, 90)
            else:
                template = LOCAL_ENTERPRISES[rng.randrange(len(LOCAL_ENTERPRISES))]
                organisation = names.unique(template.format(p=place))
                kind, members = UnitKind.ENTERPRISE, rng.randint(20, 320)
        prefix = "Đảng bộ" if members >= 30 else "Chi bộ"
        result.append((f"{prefix} {organisation}", kind, members))
    return result


def _cells_for(kind: str, members: int) -> list[tuple[str, int]]:
    count = max(2, min(16, members // 27))
    base, extra = divmod(members, count)
    label = {
        UnitKind.WARD: "Chi bộ khu phố {n}",
        UnitKind.COMMUNE: "Chi bộ thôn {n}",
        UnitKind.ENTERPRISE: "Chi bộ Phân xưởng {n}",
    }.get(kind, "Chi bộ số {n}")
    return [(label.format(n=n), base + (1 if n <= extra else 0)) for n in range(1, count + 1)]


def _share(total: int, weights: list[int], keep: set[int]) -> list[int]:
    """Split `total` by `weights` (largest remainder); the indices in `keep` get at least one. Unlike
    _allocate, others may get none: a small demo has fewer grassroots units than bodies."""
    if total >= len(weights):
        return _allocate(total, weights)
    whole = sum(weights)
    shares = [total * weight / whole for weight in weights]
    counts = [int(share) for share in shares]
    order = sorted(range(len(weights)), key=lambda i: shares[i] - counts[i], reverse=True)
    for index in order[: total - sum(counts)]:
        counts[index] += 1
    for index in sorted(keep):
        if counts[index] == 0:
            donor = max(range(len(counts)), key=lambda i: (counts[i], -i))
            counts[donor] -= 1
            counts[index] = 1
    return counts


def _grassroots_spec(code: str, name: str, kind: str, members: int, levels, *, closed: bool = False) -> UnitSpec:
    extra = {"is_active": False, "closed_on": REFORM_EVE} if closed else {}
    spec = UnitSpec(Unit(code=code, name=name, kind=kind, level=levels["co-so"], party_member_count=members, **extra))
    for number, (cell_name, cell_members) in enumerate(_cells_for(kind, members), start=1):
        spec.children.append(UnitSpec(Unit(
            code=f"{code}-{number:02d}", name=cell_name, kind=UnitKind.CELL, level=levels["chi-bo"],
            party_member_count=cell_members, **extra,
        )))
    return spec


@dataclass
class _Tree:
    sectors: list[UnitSpec]
    communes: list[UnitSpec]  # the commune-level committees since 01/07/2025, with their grassroots units
    districts: list[UnitSpec]  # the 2020–2025 district committees, with their old commune committees
    # grassroots code -> (district code, new committee code): the dated moves of 01/07/2025
    moves: dict[str, tuple[str, str]] = field(default_factory=dict)
    # old commune committee code -> new committee code (merged into it)
    merged: dict[str, str] = field(default_factory=dict)


def _build_tree(*, grassroots: int, levels, rng) -> _Tree:
    """Specs for the sectors and the commune-level committees (with grassroots units and cells) as they
    are today, and for the closed district level of 2020–2025 with its old commune committees."""
    weights = [weight for _, _, weight, _ in SECTORS]
    sector_total = sum(weights)
    commune_weights = [COMMUNE_LEVEL_WEIGHT[word] for _c, _n, word, _p, _d in COMMUNE_LEVEL]
    # The commune-level weights are scaled so the sectors hold SECTOR_SHARE of the grassroots units.
    scale = sector_total * (1 - SECTOR_SHARE) / SECTOR_SHARE / sum(commune_weights)
    all_weights = weights + [max(1, round(w * scale * 10)) for w in commune_weights]
    weights = [w * 10 for w in weights] + all_weights[len(weights):]
    codes = [code for code, _ in BODIES]
    keep = {codes.index(MANAGER_UNIT_CODE), codes.index(MANAGER2_UNIT_CODE)}
    counts = dict(zip(codes, _share(grassroots, weights, keep), strict=True))
    tree = _Tree([], [], [])
    for code, name, _weight, profile in SECTORS:
        body = UnitSpec(Unit(code=code, name=name, kind=UnitKind.BODY, level=levels["truc-thuoc-tinh"]))
        for number, (unit_name, kind, members) in enumerate(_grassroots_for(profile, counts[code], rng), start=1):
            body.children.append(_grassroots_spec(f"{code}-{number:03d}", unit_name, kind, members, levels))
        body.unit.party_member_count = sum(child.unit.party_member_count for child in body.children)
        tree.sectors.append(body)
    districts = {
        code: UnitSpec(Unit(code=code, name=name, kind=UnitKind.BODY, level=levels["huyen"], is_active=False,
                            closed_on=REFORM_EVE))
        for code, name, _ in DISTRICTS
    }
    old_per_new = max(1, min(OLD_COMMUNES_PER_NEW, round(OLD_COMMUNES_PER_NEW * grassroots / 700)))
    for code, name, word, place, district_code in COMMUNE_LEVEL:
        body = UnitSpec(Unit(code=code, name=name, kind=UnitKind.BODY, level=levels[COMMUNE_LEVEL_CODE]))
        profile = "ward" if word == "phường" else "commune"
        for number, (unit_name, kind, members) in enumerate(_grassroots_for(profile, counts[code], rng), start=1):
            unit_code = f"{code}-{number:03d}"
            body.children.append(_grassroots_spec(unit_code, unit_name, kind, members, levels))
            tree.moves[unit_code] = (district_code, code)
        body.unit.party_member_count = sum(child.unit.party_member_count for child in body.children)
        tree.communes.append(body)
        # The old commune/ward committees it was formed from (grassroots until 30/06/2025).
        old_word = {"phường": "phường", "xã": "xã", "đặc khu": "xã"}[word]
        old_kind = UnitKind.WARD if old_word == "phường" else UnitKind.COMMUNE
        for number in range(1, old_per_new + 1):
            old_name = f"Đảng bộ {old_word} {place}" if number == 1 else f"Đảng bộ {old_word} {place} {number}"
            old_code = f"{district_code}-{code}{number}"
            spec = _grassroots_spec(old_code, old_name, old_kind, rng.randint(180, 650), levels, closed=True)
            districts[district_code].children.append(spec)
            tree.merged[old_code] = code
    for spec in districts.values():
        spec.unit.party_member_count = sum(child.unit.party_member_count for child in spec.children)
    tree.districts = list(districts.values())
    return tree


def _placements(tree: _Tree, units: dict[str, Unit], province: Unit) -> list[UnitPlacement]:
    """The dated parent links of the reform: the district level and its old commune committees (and
    their cells) end on 30/06/2025; the commune-level committees start on 01/07/2025 under the
    province; the grassroots units move from their district to their new committee that day."""
    rows = []
    for spec in tree.districts:
        rows.append(UnitPlacement(unit=units[spec.unit.code], parent=province, valid_to=REFORM_EVE))
        for old in spec.children:
            rows.append(UnitPlacement(unit=units[old.unit.code], parent=units[spec.unit.code], valid_to=REFORM_EVE))
            rows += [UnitPlacement(unit=units[cell.unit.code], parent=units[old.unit.code], valid_to=REFORM_EVE)
                     for cell in old.children]
    for spec in tree.communes:
        rows.append(UnitPlacement(unit=units[spec.unit.code], parent=province, valid_from=REFORM_DAY))
    for code, (district, new) in tree.moves.items():
        rows.append(UnitPlacement(unit=units[code], parent=units[district], valid_to=REFORM_EVE))
        rows.append(UnitPlacement(unit=units[code], parent=units[new], valid_from=REFORM_DAY))
    return rows


@dataclass
class _Slot:
    unit: Unit
    tier: str  # "province", "body", "grassroots" (a commune-level committee or a district is a "body")
    position: str
    priority: int


def _body_slots(unit: Unit, rng, *, district: bool = False) -> list[_Slot]:
    slots = [_Slot(unit, "body", CHAIR, 0)]
    slots += [_Slot(unit, "body", DEPUTY_FT, 1) for _ in range(2 if district else rng.randint(1, 2))]
    slots += [_Slot(unit, "body", MEMBER_FT, 2) for _ in range(2 if district else rng.randint(1, 2))]
    slots += [_Slot(unit, "body", MEMBER_PT, 3) for _ in range(rng.randint(2, 3))]
    slots += [_Slot(unit, "body", STAFF, 4) for _ in range(rng.randint(3, 5) if district else rng.randint(2, 4))]
    return slots


def _grassroots_slots(unit: Unit, rng, *, fulltime_share: float) -> list[_Slot]:
    slots = [_Slot(unit, "grassroots", CHAIR, 0)]
    big = unit.party_member_count >= FULLTIME_DEPUTY_THRESHOLD
    # Some committees the rule names still lack their full-time deputy chair: the gap the board must see.
    deputy = DEPUTY_FT if big and rng.random() < fulltime_share else DEPUTY_PT
    slots.append(_Slot(unit, "grassroots", deputy, 1))
    members = 2 if unit.party_member_count < 100 else 3 if not big else rng.randint(4, 5)
    slots += [_Slot(unit, "grassroots", MEMBER_PT, 3) for _ in range(members)]
    return slots


def _province_slots(province: Unit) -> list[_Slot]:
    slots = [_Slot(province, "province", CHAIR, 0)]
    slots += [_Slot(province, "province", DEPUTY_FT, 1) for _ in range(3)]
    slots += [_Slot(province, "province", MEMBER_FT, 2) for _ in range(4)]
    slots += [_Slot(province, "province", MEMBER_PT, 3) for _ in range(2)]
    slots += [_Slot(province, "province", STAFF, 4) for _ in range(24)]
    return slots


def _current_slots(province: Unit, tree: _Tree, rng) -> list[_Slot]:
    """The 2025–2030 term's inspection committee seats, most essential first."""
    slots = _province_slots(province)
    for body in tree.sectors + tree.communes:
        slots += _body_slots(body.unit, rng)
        if body.unit.code in COMMUNE_LEVEL_CODES and rng.random() < 0.1:
            # A commune-level committee still without its full-time deputy chair (III.4.1(3)).
            slots = [s if not (s.unit is body.unit and s.position == DEPUTY_FT) else
                     _Slot(s.unit, s.tier, DEPUTY_PT, 1) for s in slots]
        for child in body.children:
            slots += _grassroots_slots(child.unit, rng, fulltime_share=0.75)
    return slots


def _previous_slots(province: Unit, tree: _Tree, rng) -> list[_Slot]:
    """The 2020–2025 term's seats: the same province, sectors and grassroots units, the districts and
    the old commune committees (most of those without a full-time deputy chair yet)."""
    slots = _province_slots(province)
    for body in tree.sectors:
        slots += _body_slots(body.unit, rng)
        for child in body.children:
            slots += _grassroots_slots(child.unit, rng, fulltime_share=0.6)
    for district in tree.districts:
        slots += _body_slots(district.unit, rng, district=True)
        for old in district.children:
            slots += _grassroots_slots(old.unit, rng, fulltime_share=0.55)
    for body in tree.communes:
        for child in body.children:
            slots += _grassroots_slots(child.unit, rng, fulltime_share=0.6)
    return slots


GRADES = {
    ("province", CHAIR): ((Grade.SENIOR, 1),),
    ("province", DEPUTY_FT): ((Grade.SENIOR, 2), (Grade.PRINCIPAL, 1)),
    ("province", MEMBER_FT): ((Grade.PRINCIPAL, 1),),
    ("province", STAFF): ((Grade.INSPECTOR, 12), (Grade.PRINCIPAL, 7), (Grade.SENIOR, 1)),
    ("body", CHAIR): ((Grade.PRINCIPAL, 1),),
    ("body", DEPUTY_FT): ((Grade.PRINCIPAL, 1), (Grade.INSPECTOR, 1)),
    ("body", MEMBER_FT): ((Grade.INSPECTOR, 3), (Grade.PRINCIPAL, 1)),
    ("body", STAFF): ((Grade.INSPECTOR, 4), (Grade.PRINCIPAL, 1)),
    ("grassroots", DEPUTY_FT): ((Grade.INSPECTOR, 1), (Grade.NONE, 1)),
}
THEORY = {
    "province": ((TheoryLevel.ADVANCED, 7), (TheoryLevel.BACHELOR, 3)),
    "body": ((TheoryLevel.ADVANCED, 6), (TheoryLevel.BACHELOR, 1), (TheoryLevel.INTERMEDIATE, 3)),
    "grassroots": ((TheoryLevel.INTERMEDIATE, 7), (TheoryLevel.ELEMENTARY, 2), (TheoryLevel.ADVANCED, 1)),
}
# When each tier's 2025–2030 congress elected its committee.
CONGRESS = {
    "grassroots": (dt.date(2025, 4, 10), dt.date(2025, 6, 20)),
    "body": (dt.date(2025, 8, 5), dt.date(2025, 9, 15)),
    "province": (dt.date(2025, 10, 8), dt.date(2025, 10, 10)),
}
PREVIOUS_CONGRESS = {
    "grassroots": (dt.date(2020, 4, 10), dt.date(2020, 6, 20)),
    "body": (dt.date(2020, 7, 1), dt.date(2020, 8, 20)),
    "province": (dt.date(2020, 10, 10), dt.date(2020, 10, 12)),
}
# The seat a cadre usually held in the previous term before the current one.
PREVIOUS_POSITION = {
    CHAIR: DEPUTY_FT,
    DEPUTY_FT: MEMBER_FT,
    DEPUTY_PT: MEMBER_PT,
    MEMBER_FT: STAFF,
    MEMBER_PT: STAFF,
    STAFF: STAFF,
}


# Before a seat's first congress: the 2020 congress of the tier (a district held its own, like a body).
OLD_TERM_REASONS_CLOSED = (
    ("Nghỉ hưu trước tuổi theo Nghị định 178/2024/NĐ-CP khi sắp xếp tổ chức bộ máy", CadreStatus.RETIRED, 4),
    ("Kết thúc hoạt động cấp huyện, bố trí công tác khác (01/07/2025)", CadreStatus.LEFT, 5),
    ("Kết thúc hoạt động cấp huyện, luân chuyển công tác (01/07/2025)", CadreStatus.ROTATED, 1),
)
OLD_TERM_REASONS = (
    ("Hết nhiệm kỳ 2020 – 2025, không tái cử", CadreStatus.LEFT, 6),
    ("Nghỉ hưu theo chế độ", CadreStatus.RETIRED, 4),
)
MID_TERM_SHARE = 0.1  # seats of the 2020–2025 term whose first holder retired in 2021–2024


def _pick(rng, weighted):
    values, weights = zip(*weighted, strict=True)
    return rng.choices(values, weights)[0]


def _between(rng, start: dt.date, end: dt.date) -> dt.date:
    if end <= start:
        return start
    return start + dt.timedelta(days=rng.randint(0, (end - start).days))


def _midpoint(start: dt.date, end: dt.date) -> dt.date:
    return start + (end - start) // 2 if end > start else start


def _birth(rng, today: dt.date, youngest: int, oldest: int) -> dt.date:
    return today - dt.timedelta(days=rng.randint(youngest * 365, oldest * 365 + 364))


@dataclass
class _Person:
    cadre: Cadre
    history: list[PositionAssignment]


class _People:
    """Builds the cadres and their dated position history over the two terms."""

    def __init__(self, *, positions, rng, today, this_year_from, closed_codes):
        self.positions, self.rng, self.today, self.this_year_from = positions, rng, today, this_year_from
        self.closed_codes = closed_codes
        self.people: list[_Person] = []
        self.sequence = 1

    def _code(self) -> str:
        self.sequence += 1
        return f"HD-CB-{self.sequence:05d}"

    def _cadre(self, slot: _Slot, *, status=CadreStatus.ACTIVE, birth=None) -> Cadre:
        rng = self.rng
        chair = slot.position == CHAIR
        gender = Gender.MALE if rng.random() < (0.8 if chair else 0.6) else Gender.FEMALE
        youngest, oldest = (42, 58) if chair else (24, 45) if slot.position == STAFF else (30, 57)
        grade = _pick(rng, GRADES.get((slot.tier, slot.position), ((Grade.NONE, 1),)))
        return Cadre(
            code=self._code(), full_name=vietnamese_name(rng, gender), gender=gender,
            date_of_birth=birth or _birth(rng, self.today, youngest, oldest), unit=slot.unit,
            position=self.positions[slot.position], grade=grade, theory_level=_pick(rng, THEORY[slot.tier]),
            status=status,
        )

    def _start(self, slot: _Slot) -> dt.date:
        if slot.tier == "body" and slot.unit.code in COMMUNE_LEVEL_CODES:
            return REFORM_DAY  # appointed when the committee was formed
        return min(self.today, _between(self.rng, *CONGRESS[slot.tier]))

    def current(self, slot: _Slot, previous: list[_Slot]) -> None:
        """The holder of a 2025–2030 seat; `previous` are the old-term seats they may have held
        (their own unit's, or for a commune-level committee those of its district and old communes).
        The one taken is removed from `previous`."""
        rng, position = self.rng, self.positions[slot.position]
        cadre = self._cadre(slot)
        history: list[PositionAssignment] = []
        roll = rng.random()
        if position.is_committee_member and roll < 0.08:
            # Elected or appointed this year (kiện toàn, bầu bổ sung): must be trained promptly. The
            # seat's holder since the 2025 congress retired or moved on.
            cadre.appointed_on = _between(rng, self.this_year_from, self.today)
            start = self._start(slot)
            if start < cadre.appointed_on:
                reason, status = _pick(rng, ((("Nghỉ hưu theo chế độ", CadreStatus.RETIRED), 1),
                                             (("Chuyển công tác khác", CadreStatus.LEFT), 1)))
                self._former(slot, start=start, end=cadre.appointed_on - dt.timedelta(days=1), reason=reason,
                             status=status)
        else:
            cadre.appointed_on = self._start(slot)
            commune_level = slot.unit.code in COMMUNE_LEVEL_CODES
            if previous and roll < (0.8 if commune_level else 0.65):
                wanted = PREVIOUS_POSITION[slot.position] if not commune_level else slot.position
                old = next((s for s in previous if s.position == wanted), None) or previous[0]
                previous.remove(old)
                history.append(self._old_entry(old, end=cadre.appointed_on - dt.timedelta(days=1)))
        first_term = not any(entry.position.is_committee_member for entry in history)
        history.append(PositionAssignment(unit=slot.unit, position=position, start_date=cadre.appointed_on,
                                          reason="", first_term=first_term))
        self.people.append(_Person(cadre, history))

    def _old_entry(self, slot: _Slot, *, end: dt.date) -> PositionAssignment:
        """A seat of the 2020–2025 term held until `end`; a mid-term successor starts later and the
        first holder (retired) is written too."""
        rng = self.rng
        start = _between(rng, *PREVIOUS_CONGRESS["province" if slot.tier == "province" else
                                                  "body" if slot.tier == "body" else "grassroots"])
        if rng.random() < MID_TERM_SHARE:
            changed = _between(rng, dt.date(2021, 6, 1), dt.date(2024, 10, 31))
            self._former(slot, start=start, end=changed - dt.timedelta(days=1), reason="Nghỉ hưu theo chế độ",
                         status=CadreStatus.RETIRED)
            start = changed
        closed = slot.unit.code in self.closed_codes or end == REFORM_EVE
        reason = REFORM_REASON if closed else "Hết nhiệm kỳ 2020 – 2025"
        return PositionAssignment(unit=slot.unit, position=self.positions[slot.position], start_date=start,
                                  end_date=end, reason=reason)

    def _former(self, slot: _Slot, *, start, end, reason, status) -> None:
        birth = None
        if status == CadreStatus.RETIRED:
            birth = end - dt.timedelta(days=self.rng.randint(58 * 365, 61 * 365))
        cadre = self._cadre(slot, status=status, birth=birth)
        cadre.appointed_on = start
        self.people.append(_Person(cadre, [PositionAssignment(
            unit=slot.unit, position=self.positions[slot.position], start_date=start, end_date=end, reason=reason,
        )]))

    def former_holder(self, slot: _Slot) -> None:
        """An old-term seat no 2025–2030 cadre held: its holder left inspection work when the term or
        the district level ended."""
        rng = self.rng
        closed = slot.unit.code in self.closed_codes
        reasons = OLD_TERM_REASONS_CLOSED if closed else OLD_TERM_REASONS
        reason, status, _ = _pick(rng, [((r, s, w), w) for r, s, w in reasons])
        end = REFORM_EVE if closed else _between(rng, *CONGRESS[slot.tier]) - dt.timedelta(days=1)
        entry = self._old_entry(slot, end=end)
        self._former(slot, start=entry.start_date, end=end, reason=reason, status=status)


def _learner(*, unit, positions, today, this_year_from) -> _Person:
    """The cadre behind the `cadre` demo login: newly elected this year, in a grassroots committee."""
    position = positions[MEMBER_PT]
    appointed = _midpoint(this_year_from, today)
    cadre = Cadre(
        code=LEARNER_CADRE_CODE,
        full_name=LEARNER_NAME,
        gender=Gender.FEMALE,
        date_of_birth=dt.date(1988, 3, 14),
        unit=unit,
        position=position,
        grade=Grade.NONE,
        theory_level=TheoryLevel.INTERMEDIATE,
        appointed_on=appointed,
        status=CadreStatus.ACTIVE,
        email="thu.ttm@haidong.example",
    )
    return _Person(cadre, [PositionAssignment(unit=unit, position=position, start_date=appointed, reason="")])


def _save_people(people: list[_Person]) -> None:
    cadres = [person.cadre for person in people]
    for cadre in cadres:
        cadre.name_sort_key = name_sort_key(cadre.full_name)
    Cadre.objects.bulk_create(cadres, batch_size=BATCH_SIZE)
    ids = dict(Cadre.objects.filter(code__in=[c.code for c in cadres]).values_list("code", "pk"))
    assignments = []
    for person in people:
        for entry in person.history:
            entry.cadre_id = ids[person.cadre.code]
            assignments.append(entry)
    PositionAssignment.objects.bulk_create(assignments, batch_size=BATCH_SIZE)


@transaction.atomic
def load(*, stdout, rng, today: dt.date, grassroots: int = DEFAULT_GRASSROOTS, cadres: int = DEFAULT_CADRES) -> None:
    """Build the demo province once. Levels and positions are ensured on every run; the unit tree and
    cadres are created only when the province (code `HD`) does not exist yet, so a second run writes
    nothing. `grassroots` (≥ 20) sizes today's grassroots units and `cadres` (≥ 50) today's active
    cadres (the learner included); the former holders of the 2020–2025 term come on top."""
    if grassroots < MIN_GRASSROOTS:
        raise ValueError(f"The demo province needs at least {MIN_GRASSROOTS} grassroots committees.")
    if cadres < MIN_CADRES:
        raise ValueError(f"The demo province needs at least {MIN_CADRES} cadres.")
    levels = ensure_levels()
    positions = ensure_positions()
    if Unit.objects.filter(code=PROVINCE_CODE).exists():
        stdout.write(f"{PROVINCE_NAME}: already loaded, nothing to do.\n")
        return

    province = Unit.add_root(code=PROVINCE_CODE, name=PROVINCE_NAME, kind=UnitKind.PROVINCE, level=levels["tinh"])
    tree = _build_tree(grassroots=grassroots, levels=levels, rng=rng)
    bodies = tree.sectors + tree.communes
    province.party_member_count = sum(body.unit.party_member_count for body in bodies)
    province.save(update_fields=["party_member_count"])
    inserted = insert_subtree(parent=province, children=bodies + tree.districts)
    # Bulk inserts may not return primary keys on every backend: read them back by code.
    units = {unit.code: unit for unit in Unit.objects.filter(path__startswith=province.path)}
    by_new: dict[str, list[str]] = {}
    for old, new in tree.merged.items():
        by_new.setdefault(new, []).append(old)
    for new, olds in by_new.items():
        Unit.objects.filter(code__in=olds).update(merged_into=units[new])
    UnitPlacement.objects.bulk_create(_placements(tree, units, units[PROVINCE_CODE]), batch_size=BATCH_SIZE)
    for spec in bodies + tree.districts:
        spec.unit = units[spec.unit.code]
        for child in spec.children:
            child.unit = units[child.unit.code]

    this_year_from = max(dt.date(today.year, 1, 1), today - dt.timedelta(days=180))
    manager_body = next(spec for spec in bodies if spec.unit.code == MANAGER_UNIT_CODE)
    learner = _learner(unit=manager_body.children[0].unit, positions=positions, today=today,
                       this_year_from=this_year_from)
    closed_codes = {spec.unit.code for spec in tree.districts} | set(tree.merged)
    people = _People(positions=positions, rng=rng, today=today, this_year_from=this_year_from,
                     closed_codes=closed_codes)
    active = cadres - 1
    chosen = sorted(_current_slots(units[PROVINCE_CODE], tree, rng), key=lambda slot: slot.priority)[:active]
    grassroots_units = [child.unit for spec in bodies for child in spec.children]
    while len(chosen) < active:
        # More seats than the statutory minimum: extra part-time members in grassroots committees.
        chosen.append(_Slot(rng.choice(grassroots_units), "grassroots", MEMBER_PT, 3))
    previous = sorted(_previous_slots(units[PROVINCE_CODE], tree, rng), key=lambda slot: slot.priority)
    previous = previous[: round(active * 1.15)]
    # The old seats a 2025–2030 holder may come from: the same unit's, or for a commune-level
    # committee its district's and its old commune committees'.
    pools: dict[str, list[_Slot]] = {}
    for slot in previous:
        pools.setdefault(slot.unit.code, []).append(slot)
    district_of = {code: district for code, _n, _w, _p, district in COMMUNE_LEVEL}
    old_of = {new: [old for old, n in tree.merged.items() if n == new] for new in district_of}
    for slot in chosen:
        if slot.unit.code in COMMUNE_LEVEL_CODES:
            code = slot.unit.code
            if slot.position in (CHAIR, DEPUTY_FT, MEMBER_FT, STAFF):
                sources = [district_of[code], *old_of[code]]
            else:
                sources = [*old_of[code], district_of[code]]
            pool = next((pools[c] for c in sources if pools.get(c)), [])
        else:
            pool = pools.get(slot.unit.code, [])
        people.current(slot, pool)
    for pool in pools.values():
        for slot in pool:
            people.former_holder(slot)
    everyone = [learner, *people.people]
    _save_people(everyone)
    counts = Counter("commune" if spec.unit.code in COMMUNE_LEVEL_CODES else "sector" for spec in bodies)
    active_grassroots = len(grassroots_units)
    cells = Unit.objects.filter(kind=UnitKind.CELL, is_active=True).count()
    former = sum(1 for person in everyone if person.cadre.status != CadreStatus.ACTIVE)
    stdout.write(
        f"{PROVINCE_NAME}: {inserted + 1} units; today {counts['sector']} sector and "
        f"{counts['commune']} commune-level committees, {active_grassroots} grassroots units, "
        f"{cells} cells; 2020–2025: {len(tree.districts)} district committees and {len(tree.merged)} commune "
        f"committees closed on {REFORM_EVE:%d/%m/%Y}, {len(tree.moves)} grassroots units moved; "
        f"{len(everyone) - former} cadres in post, {former} former holders.\n"
    )
