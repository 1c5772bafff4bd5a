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
from dataclasses import dataclass, field

from django.db import transaction

from organization.models import (
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
)
from organization.reference_data import LEVELS, POSITIONS, REFORM_DAY, level_defaults, position_defaults
from organization.vnsort import name_sort_key

PROVINCE_CODE = "HD"
PROVINCE_NAME = "Đảng bộ tỉnh Hải Đông"
MANAGER_UNIT_CODE = "HD07"  # Đảng bộ phường Bạch Đằng
MANAGER2_UNIT_CODE = "HD03"  # Đảng bộ Công an tỉnh
LEARNER_CADRE_CODE = "HD-CB-00001"
LEARNER_NAME = "Trần Thị Minh Thu"
DEFAULT_GRASSROOTS = 400
DEFAULT_CADRES = 3000
MIN_CADRES = 50
BATCH_SIZE = 5000

CHAIR, DEPUTY_FT, DEPUTY_PT, MEMBER_FT, MEMBER_PT, STAFF = (p[0] for p in POSITIONS)

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

# code, name, weight (share of the grassroots committees), profile
BODIES = (
    ("HD01", "Đảng bộ các cơ quan Đảng tỉnh", 3, "party"),
    ("HD02", "Đảng bộ Ủy ban nhân dân tỉnh", 10, "government"),
    ("HD03", "Đảng bộ Công an tỉnh", 7, "police"),
    ("HD04", "Đảng bộ Quân sự tỉnh", 4, "military"),
    ("HD05", "Đảng bộ Bộ đội Biên phòng tỉnh", 3, "border"),
    ("HD06", "Đảng bộ Than Hải Đông", 6, "coal"),
    ("HD07", "Đảng bộ phường Bạch Đằng", 6, "ward"),
    ("HD08", "Đảng bộ phường Hồng Hải", 5, "ward"),
    ("HD09", "Đảng bộ phường Cao Xanh", 5, "ward"),
    ("HD10", "Đảng bộ phường Hà Tu", 5, "ward"),
    ("HD11", "Đảng bộ phường Cẩm Thạch", 5, "ward"),
    ("HD12", "Đảng bộ phường Mông Dương", 4, "ward"),
    ("HD13", "Đảng bộ phường Đông Triều", 5, "ward"),
    ("HD14", "Đảng bộ xã Tiên Yên", 4, "commune"),
    ("HD15", "Đảng bộ xã Ba Chẽ", 3, "commune"),
    ("HD16", "Đảng bộ xã Bình Liêu", 3, "commune"),
    ("HD17", "Đảng bộ xã Đầm Hà", 3, "commune"),
    ("HD18", "Đảng bộ xã Quảng Hà", 4, "commune"),
    ("HD19", "Đảng bộ xã Hoành Bồ", 3, "commune"),
    ("HD20", "Đảng bộ đặc khu Vân Đồn", 3, "commune"),
)
# District committees closed by the 2025 reform, merged into the bodies that took over their communes.
CLOSED_DISTRICTS = (
    ("HDH1", "Đảng bộ huyện Tiên Yên", "HD14"),
    ("HDH2", "Đảng bộ huyện Đầm Hà", "HD17"),
    ("HDH3", "Đảng bộ huyện Hoành Bồ", "HD19"),
)

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
    count = max(2, min(12, members // 40))
    base, extra = divmod(members, count)
    label = {
        UnitKind.WARD: "Chi bộ khu phố {n}",
        UnitKind.COMMUNE: "Chi bộ thôn {n}",
        UnitKind.ENTERPRISE: "Chi bộ Phân xưởng {n}",
    }.get(kind, "Chi bộ số {n}")
    return [(label.format(n=n), base + (1 if n <= extra else 0)) for n in range(1, count + 1)]


def _build_tree(*, grassroots: int, levels, rng) -> tuple[list[UnitSpec], list[UnitSpec]]:
    """Specs for the 20 bodies (with grassroots and cells) and the closed district committees."""
    counts = _allocate(grassroots, [weight for _, _, weight, _ in BODIES])
    bodies = []
    for (code, name, _, profile), count in zip(BODIES, counts, strict=True):
        body = UnitSpec(Unit(code=code, name=name, kind=UnitKind.BODY, level=levels["truc-thuoc-tinh"]))
        total = 0
        for number, (unit_name, kind, members) in enumerate(_grassroots_for(profile, count, rng), start=1):
            unit_code = f"{code}-{number:03d}"
            spec = UnitSpec(
                Unit(code=unit_code, name=unit_name, kind=kind, level=levels["co-so"], party_member_count=members)
            )
            for cell_number, (cell_name, cell_members) in enumerate(_cells_for(kind, members), start=1):
                spec.children.append(
                    UnitSpec(
                        Unit(
                            code=f"{unit_code}-{cell_number:02d}",
                            name=cell_name,
                            kind=UnitKind.CELL,
                            level=levels["chi-bo"],
                            party_member_count=cell_members,
                        )
                    )
                )
            body.children.append(spec)
            total += members
        body.unit.party_member_count = total
        bodies.append(body)
    closed = [
        UnitSpec(
            Unit(
                code=code,
                name=name,
                kind=UnitKind.BODY,
                level=levels["huyen"],
                is_active=False,
                closed_on=REFORM_DAY - dt.timedelta(days=1),
            )
        )
        for code, name, _ in CLOSED_DISTRICTS
    ]
    return bodies, closed


@dataclass
class _Slot:
    unit: Unit
    tier: str  # "province", "body", "grassroots"
    position: str
    priority: int


def _slots(province: Unit, bodies: list[UnitSpec], rng) -> list[_Slot]:
    """The inspection committee seats of every unit, most essential first."""
    slots = [_Slot(province, "province", CHAIR, 0)]
    slots += [_Slot(province, "province", DEPUTY_FT, 1) for _ in range(3)]
    slots += [_Slot(province, "province", MEMBER_FT, 2) for _ in range(4)]
    slots += [_Slot(province, "province", MEMBER_PT, 3) for _ in range(2)]
    slots += [_Slot(province, "province", STAFF, 4) for _ in range(24)]
    for body in bodies:
        unit = body.unit
        slots.append(_Slot(unit, "body", CHAIR, 0))
        slots += [_Slot(unit, "body", DEPUTY_FT, 1) for _ in range(rng.randint(1, 2))]
        slots += [_Slot(unit, "body", MEMBER_FT, 2) for _ in range(rng.randint(1, 3))]
        slots += [_Slot(unit, "body", MEMBER_PT, 3) for _ in range(rng.randint(2, 3))]
        slots += [_Slot(unit, "body", STAFF, 4) for _ in range(rng.randint(2, 5))]
        for child in body.children:
            grassroots = child.unit
            slots.append(_Slot(grassroots, "grassroots", CHAIR, 0))
            big = grassroots.party_member_count >= 300
            # Some large committees still lack their full-time deputy chair (QĐ 22-QĐ/TW): the gap the board must see.
            deputy = DEPUTY_FT if big and rng.random() < 0.75 else DEPUTY_PT
            slots.append(_Slot(grassroots, "grassroots", deputy, 1))
            members = 2 if grassroots.party_member_count < 100 else 3 if not big else rng.randint(4, 5)
            slots += [_Slot(grassroots, "grassroots", MEMBER_PT, 3) for _ in range(members)]
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


def _person(*, code, slot, positions, rng, today, this_year_from, districts) -> _Person:
    position = positions[slot.position]
    chair = slot.position == CHAIR
    gender = Gender.MALE if rng.random() < (0.8 if chair else 0.6) else Gender.FEMALE
    youngest, oldest = (42, 58) if chair else (24, 45) if slot.position == STAFF else (30, 57)
    grade = _pick(rng, GRADES[(slot.tier, slot.position)]) if (slot.tier, slot.position) in GRADES else Grade.NONE
    theory = _pick(rng, THEORY[slot.tier])
    cadre = Cadre(
        code=code,
        full_name=vietnamese_name(rng, gender),
        gender=gender,
        date_of_birth=_birth(rng, today, youngest, oldest),
        unit=slot.unit,
        position=position,
        grade=grade,
        theory_level=theory,
        status=CadreStatus.ACTIVE,
    )
    history = []
    roll = rng.random()
    if position.is_committee_member and roll < 0.08:
        # Elected or appointed this year (kiện toàn, bầu bổ sung): must be trained promptly.
        cadre.appointed_on = _between(rng, this_year_from, today)
    elif not position.is_committee_member:
        cadre.appointed_on = min(today, _between(rng, dt.date(2006, 1, 1), dt.date(2024, 12, 31)))
    else:
        cadre.appointed_on = min(today, _between(rng, *CONGRESS[slot.tier]))
        if roll < 0.25:
            # Held a seat in the previous term too: one closed entry before the current one.
            previous_start = _between(rng, *PREVIOUS_CONGRESS[slot.tier])
            previous_unit, reason = slot.unit, "Hết nhiệm kỳ 2020 – 2025"
            previous_position = positions[PREVIOUS_POSITION[slot.position]]
            if slot.position == MEMBER_PT and slot.tier == "grassroots":
                previous_position = position  # re-elected to the same seat
            if slot.tier == "body" and slot.unit.code in districts and rng.random() < 0.7:
                previous_unit, previous_position = districts[slot.unit.code], position
                reason = "Kết thúc hoạt động cấp huyện, sắp xếp tổ chức bộ máy (01/07/2025)"
                cadre.appointed_on = min(today, REFORM_DAY)
            history.append(
                PositionAssignment(
                    unit=previous_unit,
                    position=previous_position,
                    start_date=previous_start,
                    end_date=cadre.appointed_on - dt.timedelta(days=1),
                    reason=reason,
                )
            )
    # Re-elected: a seat on a committee in the previous term makes this one not the first term.
    first_term = not any(entry.position.is_committee_member for entry in history)
    history.append(
        PositionAssignment(unit=slot.unit, position=position, start_date=cadre.appointed_on, reason="",
                           first_term=first_term)
    )
    return _Person(cadre, history)


def _inactive_person(*, code, slot, positions, rng, today) -> _Person:
    """A former holder of a seat: retired, rotated out of inspection work, or gone."""
    position = positions[slot.position]
    status = _pick(rng, ((CadreStatus.RETIRED, 5), (CadreStatus.ROTATED, 3), (CadreStatus.LEFT, 2)))
    gender = Gender.MALE if rng.random() < 0.6 else Gender.FEMALE
    ended = _between(rng, dt.date(2023, 1, 1), today - dt.timedelta(days=1))
    if status == CadreStatus.RETIRED:
        birth = ended - dt.timedelta(days=rng.randint(60 * 365, 61 * 365))
        reason = "Nghỉ hưu theo chế độ"
    else:
        birth = _birth(rng, today, 32, 55)
        reason = "Luân chuyển sang công tác khác" if status == CadreStatus.ROTATED else "Chuyển công tác ngoài tỉnh"
    started = _between(rng, dt.date(2012, 1, 1), ended - dt.timedelta(days=365))
    cadre = Cadre(
        code=code,
        full_name=vietnamese_name(rng, gender),
        gender=gender,
        date_of_birth=birth,
        unit=slot.unit,
        position=position,
        grade=_pick(rng, GRADES.get((slot.tier, slot.position), ((Grade.NONE, 1),))),
        theory_level=_pick(rng, THEORY[slot.tier]),
        appointed_on=started,
        status=status,
    )
    history = [
        PositionAssignment(unit=slot.unit, position=position, start_date=started, end_date=ended, reason=reason)
    ]
    return _Person(cadre, history)


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
    nothing. `grassroots` (≥ 20) and `cadres` (≥ 50) size it; the learner cadre always exists."""
    if grassroots < len(BODIES):
        raise ValueError(f"The demo province needs at least {len(BODIES)} grassroots committees.")
    if cadres < MIN_CADRES:
        raise ValueError(f"The demo province needs at least {MIN_CADRES} cadres.")
    levels = ensure_levels()
    positions = ensure_positions()
    if Unit.objects.filter(code=PROVINCE_CODE).exists():
        stdout.write(f"{PROVINCE_NAME}: already loaded, nothing to do.\n")
        return

    province = Unit.add_root(code=PROVINCE_CODE, name=PROVINCE_NAME, kind=UnitKind.PROVINCE, level=levels["tinh"])
    bodies, closed = _build_tree(grassroots=grassroots, levels=levels, rng=rng)
    province.party_member_count = sum(body.unit.party_member_count for body in bodies)
    province.save(update_fields=["party_member_count"])
    inserted = insert_subtree(parent=province, children=bodies + closed)
    for code, _, merged_into in CLOSED_DISTRICTS:
        Unit.objects.filter(code=code).update(merged_into=Unit.objects.get(code=merged_into))
    # Bulk inserts may not return primary keys on every backend: read them back by code.
    units = {unit.code: unit for unit in Unit.objects.filter(path__startswith=province.path)}
    for spec in bodies:
        spec.unit = units[spec.unit.code]
        for child in spec.children:
            child.unit = units[child.unit.code]
    districts = {merged_into: units[code] for code, _, merged_into in CLOSED_DISTRICTS}

    this_year_from = max(dt.date(today.year, 1, 1), today - dt.timedelta(days=180))
    manager_body = next(spec for spec in bodies if spec.unit.code == MANAGER_UNIT_CODE)
    people = [
        _learner(unit=manager_body.children[0].unit, positions=positions, today=today, this_year_from=this_year_from)
    ]
    slots = _slots(units[PROVINCE_CODE], bodies, rng)
    inactive = round(cadres * 0.06)
    active = cadres - inactive - len(people)
    ranked = sorted(slots, key=lambda slot: slot.priority)
    chosen = ranked[:active]
    grassroots_units = [child.unit for spec in bodies for child in spec.children]
    while len(chosen) < active:
        # More seats than the statutory minimum: extra part-time members in grassroots committees.
        chosen.append(_Slot(rng.choice(grassroots_units), "grassroots", MEMBER_PT, 3))
    sequence = 1
    for slot in chosen:
        sequence += 1
        people.append(
            _person(
                code=f"HD-CB-{sequence:05d}",
                slot=slot,
                positions=positions,
                rng=rng,
                today=today,
                this_year_from=this_year_from,
                districts=districts,
            )
        )
    for _ in range(inactive):
        sequence += 1
        slot = rng.choice(chosen)
        people.append(
            _inactive_person(code=f"HD-CB-{sequence:05d}", slot=slot, positions=positions, rng=rng, today=today)
        )
    _save_people(people)
    stdout.write(
        f"{PROVINCE_NAME}: {inserted + 1} units ({len(bodies)} bodies, {len(grassroots_units)} grassroots committees), "
        f"{len(people)} cadres.\n"
    )
