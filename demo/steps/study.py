"""The demo's “study and acknowledge” (quán triệt): the recent documents on inspection work assigned
for study to every inspection cadre, most of them confirmed, and the board's target counting it
(Chương trình hành động thực hiện Kết luận 34-KL/TW, II.2(1)/II.3(1)).

About four cadres in five have confirmed all three documents by today; the others lack one or two
(mostly the newest, 296-QĐ/TW). The demo learner has the newest one still to study. Rows are written
with bulk_create; a second run finds the target and its assignments and writes nothing."""

import datetime as dt

from cms.models import Regulation
from courses.models import RegulationStudy, StudyAssignment
from courses.notifications import study_notices_add
from demo.steps.competency import _snapshots
from demo.steps.organization import LEARNER_CADRE_CODE
from organization.models import Cadre, CadreStatus, Position
from targets.models import Criterion, PopulationAt, Target
from targets.services import target_create

TARGET_CODE = "quan-triet-2025-2030"
TARGET_NAME = "Quán triệt văn bản của Đảng về công tác kiểm tra"
TARGET_DESCRIPTION = (
    "100% nghị quyết, chỉ thị, quy định, hướng dẫn của Đảng về công tác kiểm tra, giám sát được quán triệt "
    "tới cán bộ làm công tác kiểm tra (Chương trình hành động thực hiện Kết luận 34-KL/TW, mục II.2(1), II.3(1)). "
    "Cán bộ đạt khi đã xác nhận nghiên cứu mọi văn bản dưới đây ban hành đến ngày tính."
)
DOCUMENTS = ("34-KL/TW", "114-QĐ/TW", "296-QĐ/TW")  # oldest first; the last is the newest
DUE_DAYS = 30
SHARE_ALL = 0.80  # cadres who confirmed every document


def _assigned_on(regulation: Regulation, start: dt.date) -> dt.date:
    return max(start, (regulation.issued_on or start) + dt.timedelta(days=15))


def load(*, stdout, rng, today: dt.date) -> None:
    regulations = list(Regulation.objects.filter(number__in=DOCUMENTS))
    regulations.sort(key=lambda r: DOCUMENTS.index(r.number))
    positions = list(Position.objects.order_by("order"))
    if len(regulations) != len(DOCUMENTS) or not positions:
        return
    target = Target.objects.filter(code=TARGET_CODE).first()
    if target is None:
        target = target_create(
            code=TARGET_CODE, name=TARGET_NAME, description=TARGET_DESCRIPTION, period_start=dt.date(2025, 1, 1),
            period_end=dt.date(2030, 12, 31), positions=positions, criterion=Criterion.ACKNOWLEDGED,
            population_at=PopulationAt.PERIOD_END, regulations=regulations, order=4,
        )
    if not RegulationStudy.objects.filter(regulation__in=regulations).exists():
        plans = RegulationStudy.objects.bulk_create(
            RegulationStudy(regulation=r, due_days=DUE_DAYS) for r in regulations)
        RegulationStudy.positions.through.objects.bulk_create(
            RegulationStudy.positions.through(regulationstudy_id=plan.pk, position_id=p.pk)
            for plan in plans for p in positions)
    if StudyAssignment.objects.filter(regulation__in=regulations).exists():
        return
    cadres = list(Cadre.objects.filter(status=CadreStatus.ACTIVE, position__in=positions).order_by("pk")
                  .values_list("pk", "code"))
    rows, learner_rows = [], []
    for cadre_id, code in cadres:
        if code == LEARNER_CADRE_CODE:
            missing = {regulations[-1].pk}
        elif rng.random() < SHARE_ALL:
            missing = set()
        else:  # mostly the newest document, sometimes an older one too
            missing = {regulations[-1].pk} if rng.random() < 0.7 else {rng.choice(regulations).pk}
            if rng.random() < 0.2:
                missing.add(regulations[0].pk)
        for regulation in regulations:
            assigned = _assigned_on(regulation, target.period_start)
            acknowledged = None
            if regulation.pk not in missing:
                acknowledged = min(today, assigned + dt.timedelta(days=int(rng.random() ** 2 * 45) + 1))
            row = StudyAssignment(regulation=regulation, cadre_id=cadre_id, assigned_on=assigned,
                                  due_on=assigned + dt.timedelta(days=DUE_DAYS), acknowledged_on=acknowledged)
            rows.append(row)
            if code == LEARNER_CADRE_CODE and acknowledged is None:
                learner_rows.append(row)
    StudyAssignment.objects.bulk_create(rows, batch_size=500)
    for row in learner_rows:  # the learner's notice of the document still to study
        row.cadre = Cadre.objects.get(pk=row.cadre_id)
        study_notices_add(assignments=[row], regulation=row.regulation)
    stdout.write(f"Documents to study: {len(rows)} assignments to {len(cadres)} cadres.\n")
    _snapshots([target], today, stdout)
