"""Reference data every installation needs: the levels of the unit tree and the position catalogue.

Plain data, no model imports: migration 0007_reference_data reads it, and a migration must not
depend on models that change later. Rows are created once by code and never overwritten (an
administrator may rename them). Adding or changing a row therefore needs a new data migration too:
0007 only runs once on an existing database.
"""

import datetime as dt

REFORM_DAY = dt.date(2025, 7, 1)  # the district level ended on 30/06/2025
COMMUNE_LEVEL = "xa"  # the level code of the commune-level Party committees since REFORM_DAY

LEVELS = (
    # code, name, rank, valid_from, valid_to
    ("tinh", "Cấp tỉnh", 0, None, None),
    ("huyen", "Cấp huyện", 1, None, dt.date(2025, 6, 30)),
    ("truc-thuoc-tinh", "Cấp trực thuộc tỉnh", 1, REFORM_DAY, None),
    # The ward, commune and special-zone Party committees directly under the province (migration 0013).
    (COMMUNE_LEVEL, "Cấp xã (phường, xã, đặc khu)", 1, REFORM_DAY, None),
    ("co-so", "Cấp cơ sở", 2, None, None),
    ("chi-bo", "Chi bộ", 3, None, None),
)

POSITIONS = (
    # code, name, order, is_committee_member, is_fulltime, is_deputy_chair
    ("chu-nhiem", "Chủ nhiệm UBKT", 10, True, False, False),
    ("pho-chu-nhiem-chuyen-trach", "Phó Chủ nhiệm chuyên trách", 20, True, True, True),
    ("pho-chu-nhiem-kiem-nhiem", "Phó Chủ nhiệm kiêm nhiệm", 30, True, False, True),
    ("uy-vien-chuyen-trach", "Ủy viên chuyên trách", 40, True, True, False),
    ("uy-vien-kiem-nhiem", "Ủy viên kiêm nhiệm", 50, True, False, False),
    ("can-bo-co-quan", "Cán bộ cơ quan UBKT", 60, False, True, False),
    # The key cadres (cán bộ chủ chốt) of a Party committee, outside the inspection committee (migration 0015).
    ("bi-thu", "Bí thư cấp ủy", 70, False, False, False),
    ("pho-bi-thu", "Phó Bí thư cấp ủy", 80, False, False, False),
)

KEY_CADRES_GROUP = "can-bo-chu-chot"
POSITION_GROUPS = (
    # code, name, position codes
    (KEY_CADRES_GROUP, "Cán bộ chủ chốt (Bí thư, Phó Bí thư cấp ủy)", ("bi-thu", "pho-bi-thu")),
)


def level_defaults(row) -> tuple[str, dict]:
    code, name, rank, valid_from, valid_to = row
    return code, {"name": name, "rank": rank, "valid_from": valid_from, "valid_to": valid_to}


def position_defaults(row) -> tuple[str, dict]:
    code, name, order, committee, fulltime, deputy = row
    return code, {
        "name": name,
        "order": order,
        "is_committee_member": committee,
        "is_fulltime": fulltime,
        "is_deputy_chair": deputy,
    }
