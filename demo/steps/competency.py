"""Demo step: the sector's competency framework (10 areas, 30 competencies, a 4-level scale), the
required levels of every position, evidence for the demo cadres, the source document's three
targets, and dated snapshots so the dashboard shows a trend and a forecast.

Idempotent: the framework is looked up by version, targets by code, evidence by its `demo:` source
reference, snapshots by date (a second run writes nothing new).
"""

import datetime as dt
import zlib
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from competency.models import Area, Competency, Evidence, EvidenceSource, Framework, ProficiencyLevel, Requirement
from courses.models import Completion, CompletionSource, CoursePage
from demo.steps.organization import LEARNER_CADRE_CODE
from organization.models import (
    GRASSROOTS_KINDS,
    Cadre,
    CadreStatus,
    Position,
    PositionAssignment,
    PositionGroup,
    Unit,
    UnitKind,
)
from organization.reference_data import COMMUNE_LEVEL, KEY_CADRES_GROUP
from targets.models import Criterion, PopulationAt, RollupSnapshot, RuleKind, Target
from targets.services import rollup_snapshot_take, target_create

FRAMEWORK_VERSION = "2025"
FRAMEWORK_NAME = "Khung năng lực cán bộ làm công tác kiểm tra, giám sát của Đảng"

LEVELS = (
    (1, "Nhận biết", "Biết các khái niệm, quy định cơ bản; thực hiện được khi có người hướng dẫn."),
    (2, "Vận dụng có hướng dẫn",
     "Hiểu và vận dụng đúng quy định vào các việc thường gặp, có sự kiểm tra của cấp trên."),
    (3, "Vận dụng độc lập", "Tự thực hiện đúng quy trình, đúng thời hạn các nhiệm vụ thường xuyên của vị trí."),
    (4, "Thành thạo, hướng dẫn người khác",
     "Xử lý được vụ việc phức tạp, nhạy cảm; hướng dẫn, kèm cặp cán bộ khác và cấp dưới."),
)

# area code, area name, [(competency code, name, description)]
AREAS = (
    ("CT", "Bản lĩnh chính trị, phẩm chất đạo đức", (
        ("CT1", "Bản lĩnh chính trị, kiên định lập trường",
         "Kiên định mục tiêu, lý tưởng; đấu tranh với quan điểm sai trái."),
        ("CT2", "Liêm chính, khách quan, công tâm", "Không để bị chi phối, tác động khi thực hiện nhiệm vụ."),
        ("CT3", "Ý thức tổ chức kỷ luật, giữ bí mật", "Chấp hành nguyên tắc, giữ bí mật thông tin kiểm tra, giám sát."),
    )),
    ("DL", "Điều lệ Đảng và các quy định của Đảng", (
        ("DL1", "Điều lệ Đảng và hướng dẫn thi hành", "Nắm vững Điều lệ Đảng, các quy định, hướng dẫn thi hành."),
        ("DL2", "Quy định về công tác kiểm tra, giám sát, kỷ luật",
         "QĐ 296-QĐ/TW (thay QĐ 22-QĐ/TW) và văn bản hướng dẫn."),
        ("DL3", "Quy định xử lý kỷ luật đảng viên vi phạm",
         "QĐ 69-QĐ/TW, sửa đổi bởi QĐ 264-QĐ/TW; những điều đảng viên không được làm."),
    )),
    ("GS", "Giám sát", (
        ("GS1", "Xây dựng chương trình, kế hoạch giám sát",
         "Chương trình giám sát toàn khóa, hằng năm bám sát nhiệm vụ chính trị."),
        ("GS2", "Giám sát thường xuyên", "Theo dõi, nắm tình hình qua hồ sơ, dư luận, các nguồn thông tin."),
        ("GS3", "Giám sát chuyên đề, phát hiện dấu hiệu vi phạm",
         "Giám sát chuyên đề; phát hiện sớm dấu hiệu vi phạm để kiểm tra."),
    )),
    ("KT", "Kiểm tra khi có dấu hiệu vi phạm", (
        ("KT1", "Xác định dấu hiệu vi phạm, lập kế hoạch kiểm tra",
         "Lựa chọn nội dung, đối tượng, thời gian kiểm tra."),
        ("KT2", "Thẩm tra, xác minh", "Thu thập, thẩm tra tài liệu; làm việc với tổ chức, cá nhân liên quan."),
        ("KT3", "Kết luận và kiến nghị xử lý",
         "Đánh giá đúng tính chất, mức độ, nguyên nhân vi phạm; kiến nghị xử lý."),
    )),
    ("CD", "Kiểm tra cấp dưới thực hiện nhiệm vụ kiểm tra, giám sát", (
        ("CD1", "Kiểm tra việc thực hiện nhiệm vụ kiểm tra, giám sát của cấp dưới",
         "Đánh giá kết quả, hạn chế của cấp ủy, UBKT cấp dưới."),
        ("CD2", "Kiểm tra việc thi hành kỷ luật trong Đảng", "Việc thi hành kỷ luật của tổ chức đảng cấp dưới."),
        ("CD3", "Hướng dẫn, đôn đốc cấp dưới khắc phục hạn chế",
         "Theo dõi việc thực hiện kết luận, kiến nghị sau kiểm tra."),
    )),
    ("TC", "Giải quyết tố cáo, khiếu nại", (
        ("TC1", "Tiếp nhận, phân loại đơn thư", "Tiếp công dân, phân loại, chuyển đơn đúng thẩm quyền."),
        ("TC2", "Giải quyết tố cáo đối với tổ chức đảng, đảng viên",
         "Quy trình giải quyết tố cáo, bảo vệ người tố cáo."),
        ("TC3", "Giải quyết khiếu nại kỷ luật đảng", "Thẩm quyền, thời hạn, trình tự giải quyết khiếu nại kỷ luật."),
    )),
    ("KL", "Thi hành kỷ luật", (
        ("KL1", "Quy trình xem xét, thi hành kỷ luật", "Trình tự, thủ tục, thẩm quyền thi hành kỷ luật trong Đảng."),
        ("KL2", "Áp dụng hình thức kỷ luật tương xứng", "Áp dụng đúng các tình tiết tăng nặng, giảm nhẹ."),
        ("KL3", "Phối hợp xử lý kỷ luật đảng với kỷ luật hành chính",
         "Bảo đảm đồng bộ giữa kỷ luật đảng, hành chính, đoàn thể."),
    )),
    ("TD", "Tài chính đảng và kê khai tài sản, thu nhập", (
        ("TD1", "Kiểm tra tài chính đảng", "Kiểm tra thu, chi ngân sách, quản lý tài sản của cấp ủy."),
        ("TD2", "Kiểm tra thu, nộp, quản lý đảng phí", "Việc thu, nộp, quản lý, sử dụng đảng phí."),
        ("TD3", "Kiểm soát kê khai tài sản, thu nhập", "Kiểm tra, xác minh việc kê khai tài sản, thu nhập."),
    )),
    ("NV", "Chứng cứ, làm việc với đối tượng và dự thảo kết luận", (
        ("NV1", "Thu thập, đánh giá chứng cứ", "Thu thập, bảo quản, đánh giá tính xác thực của chứng cứ."),
        ("NV2", "Làm việc với đối tượng kiểm tra, người tố cáo",
         "Kỹ năng đối thoại, ghi biên bản, giữ thái độ khách quan."),
        ("NV3", "Dự thảo báo cáo, kết luận, thông báo",
         "Viết báo cáo thẩm tra, dự thảo kết luận chặt chẽ, đúng thể thức."),
    )),
    ("SO", "Kỹ năng số", (
        ("SO1", "Khai thác cơ sở dữ liệu ngành kiểm tra", "Tra cứu, cập nhật cơ sở dữ liệu, phần mềm quản lý hồ sơ."),
        ("SO2", "Văn bản điện tử và chữ ký số", "Soạn thảo, ký số, lưu trữ văn bản điện tử."),
        ("SO3", "An toàn thông tin, bảo mật tài liệu", "Bảo vệ tài liệu mật trên môi trường số."),
    )),
)

CORE_AREAS = {"DL", "GS", "KT", "KL", "NV"}
# Required level per position code: (level for the core areas, level elsewhere, areas required).
POSITION_LEVELS = {
    "chu-nhiem": (3, 3, None),
    "pho-chu-nhiem-chuyen-trach": (3, 3, None),
    "pho-chu-nhiem-kiem-nhiem": (3, 2, None),
    "uy-vien-chuyen-trach": (3, 2, None),
    "uy-vien-kiem-nhiem": (2, 2, {"CT", "DL", "GS", "KT", "TC", "KL"}),
    "can-bo-co-quan": (3, 2, {"CT", "DL", "GS", "KT", "TC", "KL", "TD", "NV", "SO"}),
    # The key cadres lead inspection work rather than do it: the political and leadership areas.
    "bi-thu": (3, 2, {"CT", "DL"}),
    "pho-bi-thu": (3, 2, {"CT", "DL"}),
}
# Part-time members of commune and ward committees check asset declarations (level 1); the chair of a
# body directly under the province must master the inspection regulations.
KIND_OVERRIDES = (
    ("uy-vien-kiem-nhiem", "TD3", UnitKind.COMMUNE, 1),
    ("uy-vien-kiem-nhiem", "TD3", UnitKind.WARD, 1),
    ("chu-nhiem", "DL2", UnitKind.BODY, 4),
)

TARGETS = (
    # code, name, criterion, period, population counted, min hours, deadline days, committee members only
    ("dao-tao-2022-2025",
     "100% cán bộ làm công tác kiểm tra, giám sát được đào tạo, bồi dưỡng chuyên môn nghiệp vụ theo quy định "
     "của ngành", Criterion.TRAINED, (dt.date(2022, 1, 1), dt.date(2025, 12, 31)), PopulationAt.PERIOD_END,
     Decimal(24), None, False),
    ("khung-nang-luc-2025-2030",
     "100% cán bộ làm công tác kiểm tra đảm bảo tiêu chí, tiêu chuẩn, khung năng lực theo quy định của ngành",
     Criterion.COMPETENT, (dt.date(2025, 1, 1), dt.date(2030, 12, 31)), PopulationAt.PERIOD_END, None, None, False),
    ("uy-vien-moi-bau-2025-2030",
     "Kịp thời bồi dưỡng cán bộ mới được bầu tham gia ủy ban kiểm tra các cấp (trong 90 ngày)",
     Criterion.TRAINED, (dt.date(2025, 1, 1), dt.date(2030, 12, 31)), PopulationAt.TODAY, Decimal(16), 90, True),
)
TARGET_DESCRIPTION = "Chương trình hành động thực hiện Kết luận 34-KL/TW, mục {}."
TARGET_SECTIONS = ("II.2(3)", "II.3(3)", "III.4.3(1)", "II.3(3)", "III.4.3(1)")
PROGRAMME = "Chương trình hành động thực hiện Kết luận 34-KL/TW"
# The targets added to the three above (same shape): the criteria and standards of 2025–2030 for the
# full-time inspection cadres, and the key cadres' training (position group, no positions).
MORE_TARGETS = (
    ("tieu-chuan-2025-2030",
     "100% cán bộ chuyên trách làm công tác kiểm tra được bồi dưỡng, đảm bảo tiêu chí, tiêu chuẩn và khung năng lực "
     "theo quy định của ngành", Criterion.STANDARD, (dt.date(2025, 1, 1), dt.date(2030, 12, 31)),
     PopulationAt.PERIOD_END, Decimal(24), None, False),
    ("chu-chot-2025-2030", "Bồi dưỡng nghiệp vụ công tác kiểm tra cho cán bộ chủ chốt", Criterion.TRAINED,
     (dt.date(2025, 1, 1), dt.date(2030, 12, 31)), PopulationAt.TODAY, Decimal(8), None, False),
)
# Where each threshold comes from. The source document names the goals but no numbers: the hours, the
# 90 days and the standards' values are the province's own choices (local choice), said so on the board.
TARGET_SOURCES = {
    "dao-tao-2022-2025": {
        "hours_source": "Tỉnh chọn: 24 giờ trong giai đoạn 2022–2025 (chương trình không định số giờ)",
        "hours_local_choice": True,
        "courses_source": f"{PROGRAMME}, mục II.2(3): bồi dưỡng chuyên môn nghiệp vụ (không tính đạo đức, ứng xử)",
    },
    "uy-vien-moi-bau-2025-2030": {
        "hours_source": "Tỉnh chọn", "hours_local_choice": True,
        "deadline_source": "Tỉnh chọn: 90 ngày (mục III.4.3(1) nói \"kịp thời\")", "deadline_local_choice": True,
        "courses_source": f"{PROGRAMME}, mục III.4.3(1): tập huấn, bồi dưỡng cán bộ mới được bầu",
    },
    "tieu-chuan-2025-2030": {
        "hours_source": "Tỉnh chọn: 24 giờ trong nhiệm kỳ", "hours_local_choice": True,
        "courses_source": f"{PROGRAMME}, mục II.3(3)",
    },
    "chu-chot-2025-2030": {
        "hours_source": "Tỉnh chọn: một hội nghị bồi dưỡng (8 giờ) trong nhiệm kỳ", "hours_local_choice": True,
        "courses_source": f"{PROGRAMME}, mục III.4.3(1): tập huấn, bồi dưỡng cán bộ chủ chốt",
    },
}
TARGET_PROFESSIONAL_ONLY = {"dao-tao-2022-2025", "tieu-chuan-2025-2030", "chu-chot-2025-2030"}
STANDARD_BASIS = f"{PROGRAMME}, mục II.3(3): tiêu chí, tiêu chuẩn theo quy định của ngành; giá trị do tỉnh chọn"
STANDARD_RULES = (
    {"kind": RuleKind.MIN_THEORY_LEVEL, "value": "intermediate", "source": STANDARD_BASIS, "local_choice": True},
    {"kind": RuleKind.MIN_YEARS_OF_SERVICE, "value": "2", "source": STANDARD_BASIS, "local_choice": True},
)
STANDARD_POSITIONS = ("chu-nhiem", "pho-chu-nhiem-chuyen-trach", "uy-vien-chuyen-trach", "can-bo-co-quan")

# II.2(6)/II.3(6): a committee-level target. The population and the rule are the source document's;
# the thresholds (16 hours per member in the period, the chair through KT-03) are local choices.
COMMITTEE_TARGET_CODE = "ubkt-co-so-giam-sat-2025-2030"
COMMITTEE_TARGET_NAME = "Ủy ban kiểm tra cơ sở đủ năng lực giám sát thường xuyên"
COMMITTEE_TARGET_HOURS = Decimal(16)
COMMITTEE_TARGET_DESCRIPTION = (
    "Chương trình hành động thực hiện Kết luận 34-KL/TW, mục II.2(6), II.3(6): 100% ủy ban kiểm tra cơ sở "
    "đủ khả năng giám sát thường xuyên. Một ủy ban kiểm tra đạt khi mọi ủy viên được bồi dưỡng đủ "
    "16 giờ trong giai đoạn và chủ nhiệm đã hoàn thành khóa KT-03 (lựa chọn của địa phương)."
)
SUPERVISION_COURSE_CODE = "KT-03"  # demo.steps.courses: "Nghiệp vụ giám sát thường xuyên và giám sát chuyên đề"
CHAIR_POSITION_CODE = "chu-nhiem"
# Share of today's grassroots chairs who took the supervision course since 2025 (picked by their
# code, not by the shared rng, so a second run adds nothing and later steps draw the same numbers).
CHAIRS_SUPERVISION_PERCENT = 70

CLASS_NOTE = "Lớp tập huấn nghiệp vụ tại Trường Chính trị tỉnh"
NEWLY_ELECTED_COURSE_CODE = "KT-01"  # demo.steps.courses: "Nhập môn cho ủy viên ủy ban kiểm tra mới được bầu"
SHARE_COMPETENT = 0.55  # share of cadres who hold evidence for every required level


def _framework(stdout) -> Framework:
    framework = Framework.objects.filter(version=FRAMEWORK_VERSION).first()
    if framework is not None:
        return framework
    framework = Framework.objects.create(
        name=FRAMEWORK_NAME, version=FRAMEWORK_VERSION, effective_from=dt.date(2025, 1, 1),
        notes="Áp dụng theo Quy định 296-QĐ/TW; thay khung năm 2022.",
    )
    ProficiencyLevel.objects.bulk_create(
        ProficiencyLevel(framework=framework, level=level, name=name, descriptor=descriptor)
        for level, name, descriptor in LEVELS
    )
    for order, (area_code, area_name, competencies) in enumerate(AREAS, start=1):
        area = Area.objects.create(framework=framework, code=area_code, name=area_name, order=order)
        Competency.objects.bulk_create(
            Competency(framework=framework, area=area, code=code, name=name, description=description, order=i)
            for i, (code, name, description) in enumerate(competencies, start=1)
        )
    competencies = {c.code: c for c in framework.competencies.select_related("area")}
    positions = {p.code: p for p in Position.objects.filter(code__in=POSITION_LEVELS)}
    requirements = []
    for code, (core, other, areas) in POSITION_LEVELS.items():
        if code not in positions:
            continue
        for competency in competencies.values():
            if areas is not None and competency.area.code not in areas:
                continue
            level = core if competency.area.code in CORE_AREAS else other
            requirements.append(Requirement(framework=framework, competency=competency, position=positions[code],
                                            required_level=level))
    for code, competency_code, kind, level in KIND_OVERRIDES:
        if code in positions:
            requirements.append(Requirement(framework=framework, competency=competencies[competency_code],
                                            position=positions[code], unit_kind=kind, required_level=level))
    Requirement.objects.bulk_create(requirements)
    Framework.objects.filter(is_active=True).update(is_active=False)
    framework.is_active = True
    framework.save(update_fields=["is_active"])
    stdout.write(f"Competency framework: {len(competencies)} competencies, {len(requirements)} requirements.\n")
    return framework


def _evidence(*, framework: Framework, rng, today: dt.date, stdout) -> None:
    if Evidence.objects.filter(source_ref__startswith="demo:").exists():
        return
    board = get_user_model().objects.filter(username="board").first()
    by_position: dict[int, dict[int, dict[str, int]]] = {}
    for req in Requirement.objects.filter(framework=framework):
        by_position.setdefault(req.position_id, {}).setdefault(req.competency_id, {})[req.unit_kind] = \
            req.required_level
    now = timezone.now()
    start = dt.date(2023, 1, 1)
    span = max(1, (today - start).days)
    rows = []
    cadres = Cadre.objects.filter(status=CadreStatus.ACTIVE).select_related("unit").order_by("code")
    for cadre in cadres.iterator(chunk_size=2000):
        needs = by_position.get(cadre.position_id, {})
        if not needs:
            continue
        complete = rng.random() < SHARE_COMPETENT
        competency_ids = sorted(needs)
        short = set() if complete else set(rng.sample(competency_ids, k=min(len(competency_ids), rng.randint(1, 4))))
        # Competent cadres became so on one day, spread over the years (more of them recently): the trend rises.
        became = start + dt.timedelta(days=int(span * rng.random() ** 0.7))
        learner = cadre.code == LEARNER_CADRE_CODE
        if learner:  # the demo learner has gaps to close, shown on their competency profile
            short = set(competency_ids[3:6])
            became = today - dt.timedelta(days=120)
        for competency_id in competency_ids:
            by_kind = needs[competency_id]
            required = by_kind.get(cadre.unit.kind, by_kind.get(""))
            if required is None:
                continue  # only required in units of another kind
            if competency_id in short:
                if rng.random() < 0.5 and not learner:
                    continue  # no evidence at all
                level = max(1, required - 1)
            else:
                level = min(4, required + (1 if rng.random() < 0.2 else 0))
            if level >= required and competency_id in short:
                continue  # a level-1 requirement cannot be fallen short of with evidence
            obtained = became - dt.timedelta(days=rng.randint(0, 400))
            obtained = max(start, obtained)
            roll = rng.random()
            if roll < 0.4:
                source, note, assessor, expires = EvidenceSource.QUIZ, "", None, obtained + dt.timedelta(days=3 * 365)
            elif roll < 0.7:
                source, note, assessor, expires = EvidenceSource.COURSE, "", None, None
            elif roll < 0.9:
                source, note, assessor, expires = EvidenceSource.CLASS, CLASS_NOTE, None, None
            else:
                source, note, assessor, expires = (EvidenceSource.MANUAL, "Đánh giá qua thực tiễn công tác kiểm tra",
                                                   board, None)
            rows.append((cadre.pk, competency_id, level, source, f"demo:{cadre.pk}:{competency_id}", obtained,
                         expires, note, "", assessor.pk if assessor else None, now))
    # Plain executemany: tens of thousands of rows, where bulk_create's small SQLite batches are slow.
    table = connection.ops.quote_name(Evidence._meta.db_table)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {table} (cadre_id, competency_id, level, source, source_ref, obtained_on, expires_on, "
            "note, file, assessor_id, created_at) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
            rows,
        )
    stdout.write(f"Competency evidence: {len(rows)} records.\n")


def _targets() -> list[Target]:
    # The inspection cadres' targets count the inspection positions; the key cadres are a target of their own.
    key_cadres = PositionGroup.objects.filter(code=KEY_CADRES_GROUP).first()
    positions = list(Position.objects.exclude(groups__code=KEY_CADRES_GROUP).order_by("order"))
    committee = [p for p in positions if p.is_committee_member]
    result = []
    for order, (code, name, criterion, (start, end), population_at, hours, deadline, members_only) in enumerate(
        TARGETS + MORE_TARGETS, start=1
    ):
        target = Target.objects.filter(code=code).first()
        required = []
        if deadline is not None:
            # The courses demo's introduction course for newly elected members, when it is there.
            required = list(CoursePage.objects.filter(code=NEWLY_ELECTED_COURSE_CODE)[:1])
            hours = None if required else hours
        chosen, groups, rules = committee if members_only else positions, [], []
        if code == "chu-chot-2025-2030":
            chosen, groups = [], [key_cadres] if key_cadres else []
        if criterion == Criterion.STANDARD:
            chosen, rules = [p for p in positions if p.code in STANDARD_POSITIONS], list(STANDARD_RULES)
        if target is None and (chosen or groups):
            target = target_create(
                code=code, name=name, period_start=start, period_end=end, criterion=criterion,
                positions=chosen, population_at=population_at, min_hours=hours,
                newly_elected_deadline_days=deadline, order=order, required_courses=required,
                description=TARGET_DESCRIPTION.format(TARGET_SECTIONS[order - 1]), position_groups=groups,
                sources=TARGET_SOURCES.get(code), professional_only=code in TARGET_PROFESSIONAL_ONLY,
                standard_rules=rules,
            )
        if target is not None:
            result.append(target)
    committee_target = _committee_target(committee, order=len(TARGETS) + 1)
    return result + ([committee_target] if committee_target else [])


def _chairs_supervision(*, today: dt.date, stdout) -> None:
    """CHAIRS_SUPERVISION_PERCENT of today's chairs of grassroots (and commune-level) inspection
    committees completed the supervision course between March 2025 and a fortnight ago. Chairs who
    already have it are left alone, so a second run adds nothing."""
    course = CoursePage.objects.filter(code=SUPERVISION_COURSE_CODE).first()
    if course is None:
        return
    start, last = dt.date(2025, 3, 1), today - dt.timedelta(days=14)
    span = max(1, (last - start).days)
    has = set(Completion.objects.filter(course=course).values_list("cadre_id", flat=True))
    chairs = (PositionAssignment.objects.filter(position__code=CHAIR_POSITION_CODE, end_date__isnull=True,
                                                cadre__status=CadreStatus.ACTIVE)
              .filter(Q(unit__kind__in=GRASSROOTS_KINDS) | Q(unit__kind=UnitKind.BODY, unit__level__code=COMMUNE_LEVEL))
              .values_list("cadre_id", "cadre__code").order_by("cadre_id").distinct())
    rows = []
    for cadre_id, code in chairs:
        pick = zlib.crc32(f"{SUPERVISION_COURSE_CODE}:{code}".encode())
        if cadre_id in has or pick % 100 >= CHAIRS_SUPERVISION_PERCENT:
            continue
        on = start + dt.timedelta(days=(pick >> 8) % span)
        rows.append(Completion(cadre_id=cadre_id, course=course, completed_on=on, hours=course.hours,
                               expires_on=course.expiry_for(on), source=CompletionSource.CLASS))
    Completion.objects.bulk_create(rows, batch_size=500)
    if rows:
        stdout.write(f"Supervision course ({SUPERVISION_COURSE_CODE}): {len(rows)} committee chairs since 2025.\n")


def _committee_target(members: list[Position], *, order: int) -> Target | None:
    """The committee-level target, when the supervision course and the chair's position are there."""
    target = Target.objects.filter(code=COMMITTEE_TARGET_CODE).first()
    if target is not None:
        return target
    supervision = CoursePage.objects.filter(code=SUPERVISION_COURSE_CODE).first()
    chair = next((p for p in members if p.code == CHAIR_POSITION_CODE), None)
    if supervision is None or chair is None:
        return None
    return target_create(
        code=COMMITTEE_TARGET_CODE, name=COMMITTEE_TARGET_NAME, period_start=dt.date(2025, 1, 1),
        period_end=dt.date(2030, 12, 31), criterion=Criterion.COMMITTEE, positions=members,
        min_hours=COMMITTEE_TARGET_HOURS, chair_position=chair, chair_courses=[supervision], order=order,
        description=COMMITTEE_TARGET_DESCRIPTION,
    )


def _snapshot_days(target: Target, today: dt.date) -> list[dt.date]:
    """The quarter ends from the period's start until today (or the period's end), and that last day."""
    last = min(today, target.period_end)
    days, year, month = [], target.period_start.year, target.period_start.month
    while True:
        month += 3
        if month > 12:
            month -= 12
            year += 1
        day = dt.date(year, month, 1) - dt.timedelta(days=1)
        if day >= last:
            break
        days.append(day)
    days.append(last)
    return days


def _snapshots(targets: list[Target], today: dt.date, stdout) -> None:
    roots = list(Unit.get_root_nodes())
    taken = 0
    for target in targets:
        done = set(RollupSnapshot.objects.filter(target=target).values_list("taken_on", flat=True).distinct())
        for day in _snapshot_days(target, today):
            if day in done:
                continue
            for root in roots:
                rollup_snapshot_take(target=target, root_unit=root, on=day)
            taken += 1
    if taken:
        stdout.write(f"Roll-up snapshots: {taken} dates.\n")


@transaction.atomic
def load(*, stdout, rng, today: dt.date) -> None:
    framework = _framework(stdout)
    _evidence(framework=framework, rng=rng, today=today, stdout=stdout)
    _chairs_supervision(today=today, stdout=stdout)
    targets = _targets()
    _snapshots(targets, today, stdout)
