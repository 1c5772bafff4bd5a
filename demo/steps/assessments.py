"""Demo question banks, quizzes and sittings (step of `manage.py load_demo`).

Seven banks (77 questions) drawn from the Party Charter's chapter on inspection, supervision and
discipline, QĐ 22 (now QĐ 296), QĐ 69 (amended by QĐ 264), QĐ 37, QĐ 101, QĐ 08-QĐi, the rules on
denunciations and appeals, Party finance and asset declarations, and the province's action program
for Conclusion 34 (/work/shared/seed). Six quizzes; sittings for ~160 demo cadres, passed and failed,
with a few essays left in the trainer's marking queue. Idempotent: natural keys are looked up first
and sittings are created only once.
"""

import datetime as dt

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from assessments import services
from assessments.models import (
    Answer,
    Category,
    EssayQuestion,
    MCQuestion,
    Question,
    QuestionKind,
    Quiz,
    QuizBlueprint,
    QuizLayout,
    ReviewAvailable,
    Sitting,
    SittingAnswer,
    SittingEnd,
    TFQuestion,
)
from organization.models import Cadre, CadreStatus

GS, KT, KL, TC, TK, DD, KL34 = "gs", "kt", "kl", "tc", "tk", "dd", "kl34"

CATEGORIES = {
    GS: ("Giám sát trong Đảng", "Điều lệ Đảng (Chương VII); QĐ 22-QĐ/TW, nay là QĐ 296-QĐ/TW.",
         ("giám sát",)),
    KT: ("Kiểm tra khi có dấu hiệu vi phạm", "Nhiệm vụ kiểm tra của ủy ban kiểm tra theo Điều lệ Đảng.",
         ("dấu hiệu vi phạm", "kiểm tra")),
    KL: ("Kỷ luật đảng (QĐ 69, sửa đổi bởi QĐ 264)", "Hình thức, thời hiệu, nguyên tắc và thẩm quyền kỷ luật.",
         ("kỷ luật",)),
    TC: ("Giải quyết tố cáo, khiếu nại kỷ luật đảng", "Tố cáo đối với tổ chức đảng, đảng viên; khiếu nại kỷ luật.",
         ("tố cáo", "khiếu nại")),
    TK: ("Tài chính đảng và kê khai tài sản, thu nhập", "Kiểm tra tài chính đảng; đảng phí; Luật PCTN 2018.",
         ("tài chính", "tài sản")),
    DD: ("Đạo đức, trách nhiệm nêu gương (QĐ 37, 101, 08-QĐi)", "Những điều đảng viên không được làm; nêu gương.",
         ("đạo đức", "nêu gương", "chính trị")),
    KL34: ("Kết luận 34-KL/TW và Chương trình hành động", "Chiến lược công tác kiểm tra, giám sát đến năm 2030.",
           ("quy định", "văn bản", "kết luận", "chiến lược")),
}

# (kind, bank, question, options or truth, right option numbers, explanation)
QUESTIONS = [
    # --- Giám sát
    ("mc", GS, "Theo Điều lệ Đảng, giám sát trong Đảng được tiến hành theo những hình thức nào?",
     ["Giám sát thường xuyên và giám sát theo chuyên đề", "Giám sát định kỳ và giám sát đột xuất",
      "Giám sát trực tiếp và giám sát gián tiếp", "Giám sát toàn diện và giám sát bộ phận"], [1],
     "Điều lệ Đảng, Chương VII: giám sát thường xuyên và giám sát theo chuyên đề."),
    ("tf", GS, "Giám sát thường xuyên được thực hiện qua việc theo dõi, nắm tình hình hoạt động hằng ngày "
     "của đối tượng giám sát.", True, [], "Giám sát thường xuyên gắn với theo dõi, nắm tình hình hằng ngày."),
    ("mc", GS, "Ủy ban kiểm tra các cấp giám sát những đối tượng nào?",
     ["Cấp ủy viên cùng cấp, cán bộ diện cấp ủy cùng cấp quản lý và tổ chức đảng cấp dưới",
      "Chỉ tổ chức đảng cấp dưới", "Chỉ đảng viên là cán bộ lãnh đạo chủ chốt",
      "Mọi công dân cư trú trên địa bàn"], [1], "Điều lệ Đảng, nhiệm vụ của ủy ban kiểm tra các cấp."),
    ("tf", GS, "Mục tiêu của giám sát là chủ động phòng ngừa, phát hiện sớm vi phạm từ khi mới manh nha.", True, [],
     "Kết luận 34: phòng ngừa, ngăn chặn vi phạm từ khi mới manh nha."),
    ("mc", GS, "Khi qua giám sát phát hiện tổ chức đảng hoặc đảng viên có dấu hiệu vi phạm, ủy ban kiểm tra cần:",
     ["Chuyển sang kiểm tra khi có dấu hiệu vi phạm", "Kết thúc giám sát và không xử lý gì thêm",
      "Công bố ngay trên phương tiện thông tin đại chúng", "Chuyển toàn bộ hồ sơ cho tòa án"], [1],
     "Giám sát phát hiện dấu hiệu vi phạm thì chuyển sang kiểm tra."),
    ("tf", GS, "Đối tượng giám sát có trách nhiệm cung cấp thông tin, báo cáo, giải trình khi được yêu cầu.", True, [],
     "QĐ 22-QĐ/TW (nay QĐ 296): quyền và trách nhiệm của đối tượng giám sát."),
    ("tf", GS, "Chi bộ không có nhiệm vụ giám sát đảng viên trong chi bộ.", False, [],
     "Chi bộ kiểm tra, giám sát đảng viên trong chi bộ về việc thực hiện nhiệm vụ đảng viên."),
    ("mc", GS, "Theo Chương trình hành động thực hiện Kết luận 34, trong một nhiệm kỳ mỗi tổ chức, đơn vị trực "
     "thuộc được kiểm tra, giám sát ít nhất:", ["1 lần", "2 lần", "3 lần", "Mỗi năm 1 lần"], [1],
     "Chương trình hành động, chỉ tiêu (4) của cả hai giai đoạn."),
    ("mc", GS, "Quy định nào thay thế Quy định 22-QĐ/TW về công tác kiểm tra, giám sát và kỷ luật của Đảng?",
     ["Quy định 296-QĐ/TW (2025)", "Quy định 69-QĐ/TW", "Quy định 37-QĐ/TW", "Quy định 114-QĐ/TW"], [1],
     "QĐ 22-QĐ/TW (28/7/2021) được thay thế năm 2025 bởi QĐ 296-QĐ/TW."),
    ("essay", GS, "Trình bày các bước tiến hành một cuộc giám sát chuyên đề của ủy ban kiểm tra cấp cơ sở và nêu "
     "một chủ đề giám sát phù hợp với đơn vị của đồng chí.", None, [],
     "Hướng dẫn chấm: nêu đủ 3 bước (chuẩn bị: kế hoạch, quyết định, đề cương; tiến hành: nghiên cứu báo cáo, làm "
     "việc, thẩm tra; kết thúc: báo cáo, thông báo kết quả); chủ đề sát thực tế."),
    # --- Kiểm tra khi có dấu hiệu vi phạm
    ("mc", KT, "Theo Điều lệ Đảng, ủy ban kiểm tra kiểm tra đảng viên, kể cả cấp ủy viên cùng cấp khi nào?",
     ["Khi có dấu hiệu vi phạm tiêu chuẩn đảng viên, tiêu chuẩn cấp ủy viên và trong thực hiện nhiệm vụ đảng viên",
      "Khi cấp ủy cấp dưới đề nghị", "Khi đến kỳ đánh giá, xếp loại cuối năm",
      "Khi có đơn đề nghị của bất kỳ đảng viên nào"], [1], "Điều lệ Đảng, nhiệm vụ thứ nhất của ủy ban kiểm tra."),
    ("mc", KT, "Đối tượng nào sau đây thuộc nhiệm vụ kiểm tra của ủy ban kiểm tra theo Điều lệ Đảng?",
     ["Tổ chức đảng cấp dưới khi có dấu hiệu vi phạm", "Tổ chức đảng cấp trên",
      "Cơ quan nhà nước không có tổ chức đảng", "Doanh nghiệp tư nhân không có tổ chức đảng"], [1],
     "Ủy ban kiểm tra kiểm tra tổ chức đảng cấp dưới khi có dấu hiệu vi phạm."),
    ("tf", KT, "Ủy ban kiểm tra có nhiệm vụ kiểm tra tổ chức đảng cấp dưới trong việc thực hiện nhiệm vụ kiểm tra, "
     "giám sát và thi hành kỷ luật trong Đảng.", True, [], "Điều lệ Đảng, nhiệm vụ của ủy ban kiểm tra."),
    ("tf", KT, "Kiểm tra, giám sát là những chức năng lãnh đạo của Đảng.", True, [], "Điều lệ Đảng, Chương VII."),
    ("mc", KT, "Một cuộc kiểm tra khi có dấu hiệu vi phạm thường gồm các bước lớn nào?",
     ["Chuẩn bị, tiến hành, kết thúc", "Tiếp nhận, xử lý, lưu trữ", "Lập kế hoạch, báo cáo, công bố",
      "Thẩm tra, xác minh, kỷ luật"], [1], "Quy trình kiểm tra gồm ba bước: chuẩn bị, tiến hành, kết thúc."),
    ("tf", KT, "Đối tượng kiểm tra có quyền trình bày ý kiến, giải trình trước khi tổ chức đảng có thẩm quyền kết "
     "luận.", True, [], "Bảo đảm quyền của đối tượng kiểm tra."),
    ("mc", KT, "Theo Chương trình hành động của Tỉnh ủy, ủy ban kiểm tra phối hợp xem xét, xử lý đảng viên vi phạm "
     "trong các vụ án, vụ việc:", ["Không chờ có kết luận thanh tra, kiểm toán, điều tra",
                                    "Chỉ sau khi có bản án có hiệu lực pháp luật",
                                    "Chỉ sau khi có kết luận thanh tra", "Sau khi đảng viên nghỉ hưu"], [1],
     "Chương trình hành động, mục 1.3 (3)."),
    ("tf", KT, "Khi phát hiện vụ việc có dấu hiệu vi phạm pháp luật, ủy ban kiểm tra phải chờ kết thúc cuộc kiểm "
     "tra rồi mới chuyển hồ sơ cho cơ quan điều tra.", False, [],
     "Chương trình hành động: kịp thời chuyển hồ sơ, không chờ kết thúc quá trình kiểm tra, giám sát."),
    ("mc_multi", KT, "Những nội dung nào có thể là nội dung kiểm tra đảng viên khi có dấu hiệu vi phạm? "
     "(chọn tất cả các ý đúng)",
     ["Chấp hành chủ trương, đường lối, nghị quyết của Đảng", "Phẩm chất đạo đức, lối sống",
      "Việc thực hiện nhiệm vụ đảng viên", "Sở thích cá nhân không liên quan đến tiêu chuẩn đảng viên"], [1, 2, 3],
     "Nội dung kiểm tra gắn với tiêu chuẩn và nhiệm vụ đảng viên."),
    ("mc", KT, "Cấp ủy viên cùng cấp có dấu hiệu vi phạm thì ai có thẩm quyền kiểm tra theo Điều lệ Đảng?",
     ["Ủy ban kiểm tra cùng cấp", "Chi bộ nơi cấp ủy viên sinh hoạt", "Chỉ Ủy ban Kiểm tra Trung ương",
      "Hội đồng nhân dân cùng cấp"], [1], "Ủy ban kiểm tra kiểm tra đảng viên, kể cả cấp ủy viên cùng cấp."),
    ("essay", KT, "Phân tích mối quan hệ giữa giám sát và kiểm tra khi có dấu hiệu vi phạm; nêu một tình huống "
     "chuyển từ giám sát sang kiểm tra.", None, [],
     "Hướng dẫn chấm: giám sát để phòng ngừa, phát hiện; kiểm tra để kết luận đúng sai; tình huống cụ thể, hợp lý."),
    # --- Kỷ luật
    ("mc", KL, "Các hình thức kỷ luật đối với đảng viên chính thức là:",
     ["Khiển trách, cảnh cáo, cách chức, khai trừ", "Khiển trách, cảnh cáo, giải tán",
      "Nhắc nhở, khiển trách, cảnh cáo", "Khiển trách, cảnh cáo, hạ bậc lương, khai trừ"], [1],
     "Điều lệ Đảng: đảng viên chính thức — khiển trách, cảnh cáo, cách chức, khai trừ."),
    ("mc", KL, "Đảng viên dự bị vi phạm thì bị kỷ luật bằng hình thức nào?",
     ["Khiển trách hoặc cảnh cáo", "Khiển trách, cảnh cáo hoặc cách chức", "Chỉ khai trừ",
      "Cách chức hoặc khai trừ"], [1], "Điều lệ Đảng: đảng viên dự bị — khiển trách, cảnh cáo."),
    ("mc", KL, "Các hình thức kỷ luật đối với tổ chức đảng là:",
     ["Khiển trách, cảnh cáo, giải tán", "Khiển trách, cảnh cáo, cách chức", "Nhắc nhở, phê bình, giải tán",
      "Cảnh cáo, đình chỉ hoạt động, giải tán"], [1], "Điều lệ Đảng: tổ chức đảng — khiển trách, cảnh cáo, giải tán."),
    ("mc", KL, "Thời hiệu kỷ luật đối với vi phạm đến mức phải kỷ luật bằng hình thức khiển trách là:",
     ["5 năm", "2 năm", "3 năm", "10 năm"], [1], "QĐ 69-QĐ/TW: 5 năm đối với vi phạm đến mức khiển trách."),
    ("mc", KL, "Thời hiệu kỷ luật đối với vi phạm đến mức phải kỷ luật bằng hình thức cảnh cáo hoặc cách chức là:",
     ["10 năm", "5 năm", "7 năm", "15 năm"], [1], "QĐ 69-QĐ/TW: 10 năm đối với vi phạm đến mức cảnh cáo, cách chức."),
    ("tf", KL, "Không áp dụng thời hiệu kỷ luật đối với vi phạm đến mức phải kỷ luật bằng hình thức khai trừ.",
     True, [], "QĐ 69-QĐ/TW, quy định về thời hiệu kỷ luật."),
    ("mc", KL, "Chi bộ có quyền quyết định hình thức kỷ luật nào đối với đảng viên trong chi bộ (không phải cấp ủy "
     "viên cấp trên, không thuộc diện cấp trên quản lý)?",
     ["Khiển trách, cảnh cáo", "Khiển trách, cảnh cáo, cách chức", "Tất cả các hình thức kỷ luật",
      "Chỉ khiển trách"], [1], "Điều lệ Đảng: chi bộ quyết định khiển trách, cảnh cáo; đề nghị cách chức, khai trừ."),
    ("tf", KL, "Quyết định kỷ luật phải được trên một nửa số thành viên của tổ chức đảng biểu quyết tán thành.",
     True, [], "Điều lệ Đảng, thủ tục thi hành kỷ luật."),
    ("tf", KL, "Kỷ luật đảng thay thế cho kỷ luật hành chính, kỷ luật đoàn thể và xử lý theo pháp luật.", False, [],
     "Kỷ luật đảng không thay thế kỷ luật hành chính, đoàn thể và xử lý theo pháp luật."),
    ("mc", KL, "Thi hành kỷ luật trong Đảng phải bảo đảm yêu cầu nào?",
     ["Công minh, chính xác, kịp thời", "Nhanh chóng, bí mật, tuyệt đối", "Nghiêm khắc, răn đe, công khai",
      "Thận trọng, kéo dài, thống nhất"], [1], "Điều lệ Đảng: thi hành kỷ luật công minh, chính xác, kịp thời."),
    ("tf", KL, "Trước khi quyết định kỷ luật, tổ chức đảng có thẩm quyền phải nghe đảng viên vi phạm trình bày ý kiến.",
     True, [], "Điều lệ Đảng, quyền trình bày ý kiến của đảng viên vi phạm."),
    ("mc_multi", KL, "Tình tiết nào là tình tiết giảm nhẹ khi xem xét kỷ luật đảng viên? (chọn tất cả các ý đúng)",
     ["Chủ động báo cáo vi phạm, tự giác nhận trách nhiệm", "Chủ động khắc phục hậu quả",
      "Cố ý che giấu, đối phó với tổ chức đảng", "Vi phạm nhiều lần"], [1, 2],
     "QĐ 69-QĐ/TW, tình tiết giảm nhẹ và tăng nặng."),
    ("tf", KL, "Trong một lần xem xét, một vi phạm của đảng viên có thể bị áp dụng đồng thời hai hình thức kỷ luật "
     "đảng.", False, [], "Mỗi vi phạm chỉ bị xử lý một hình thức kỷ luật đảng."),
    ("mc", KL, "Quy định 69-QĐ/TW (sửa đổi, bổ sung bởi Quy định 264-QĐ/TW) quy định về nội dung gì?",
     ["Kỷ luật tổ chức đảng, đảng viên vi phạm", "Những điều đảng viên không được làm",
      "Trách nhiệm nêu gương của cán bộ, đảng viên", "Kiểm soát quyền lực trong công tác cán bộ"], [1],
     "QĐ 69-QĐ/TW ngày 06/7/2022 về kỷ luật tổ chức đảng, đảng viên vi phạm."),
    ("mc", KL, "Sau khi có quyết định kỷ luật đảng, tổ chức có thẩm quyền phải xem xét kỷ luật hành chính, đoàn thể "
     "chậm nhất trong thời hạn:", ["30 ngày", "15 ngày", "60 ngày", "90 ngày"], [1],
     "QĐ 69-QĐ/TW, nguyên tắc xử lý kỷ luật: kỷ luật hành chính, đoàn thể tương xứng, chậm nhất 30 ngày."),
    ("essay", KL, "Nêu các tình tiết tăng nặng khi xem xét kỷ luật đảng viên vi phạm theo QĐ 69-QĐ/TW và cho một ví "
     "dụ áp dụng.", None, [],
     "Hướng dẫn chấm: nêu được các tình tiết như vi phạm nhiều lần, cố ý che giấu, đối phó, trù dập người tố cáo…; "
     "ví dụ hợp lý."),
    # --- Tố cáo, khiếu nại
    ("mc", TC, "Tổ chức đảng, đảng viên không đồng ý với quyết định kỷ luật thì được khiếu nại trong thời hạn nào?",
     ["Trong vòng 1 tháng kể từ ngày nhận quyết định", "Trong vòng 15 ngày", "Trong vòng 3 tháng",
      "Trong vòng 1 năm"], [1], "Điều lệ Đảng: khiếu nại trong vòng một tháng kể từ ngày nhận quyết định kỷ luật."),
    ("tf", TC, "Cấp giải quyết khiếu nại kỷ luật đảng cuối cùng là Ban Chấp hành Trung ương.", True, [],
     "Điều lệ Đảng: khiếu nại với cấp ủy hoặc ủy ban kiểm tra cấp trên cho đến Ban Chấp hành Trung ương."),
    ("tf", TC, "Tổ chức đảng xem xét, giải quyết theo thủ tục tố cáo đối với đơn tố cáo giấu tên, mạo tên, không "
     "rõ địa chỉ.", False, [], "Không giải quyết theo thủ tục tố cáo đối với tố cáo giấu tên, mạo tên."),
    ("mc", TC, "Tố cáo giấu tên nhưng có nội dung cụ thể, tài liệu chứng cứ rõ ràng thì tổ chức đảng:",
     ["Không giải quyết theo thủ tục tố cáo nhưng nghiên cứu, sử dụng phục vụ công tác kiểm tra, giám sát",
      "Giải quyết như tố cáo có tên", "Trả lại nơi gửi", "Công bố công khai nội dung tố cáo"], [1],
     "Thông tin có cơ sở được sử dụng cho công tác kiểm tra, giám sát."),
    ("tf", TC, "Trong thời gian chờ giải quyết khiếu nại, đảng viên bị kỷ luật vẫn phải chấp hành quyết định kỷ luật.",
     True, [], "Điều lệ Đảng: trong khi chờ giải quyết khiếu nại phải chấp hành quyết định kỷ luật."),
    ("mc", TC, "Theo Điều lệ Đảng, ủy ban kiểm tra có nhiệm vụ giải quyết:",
     ["Tố cáo đối với tổ chức đảng, đảng viên và khiếu nại về kỷ luật đảng",
      "Mọi khiếu nại hành chính của công dân", "Tranh chấp dân sự giữa các đảng viên",
      "Khiếu nại về kết quả thi tuyển công chức"], [1], "Điều lệ Đảng, nhiệm vụ của ủy ban kiểm tra."),
    ("tf", TC, "Người tố cáo phải chịu trách nhiệm về nội dung tố cáo của mình.", True, [],
     "Tố cáo sai sự thật, vu khống thì bị xử lý."),
    ("mc", TC, "Khi giải quyết tố cáo, tổ chức đảng phải giữ bí mật thông tin nào?",
     ["Họ tên, địa chỉ, bút tích và thông tin cá nhân của người tố cáo", "Tên của tổ chức đảng giải quyết",
      "Quy định làm căn cứ giải quyết", "Thời hạn giải quyết tố cáo"], [1], "Bảo vệ người tố cáo."),
    ("essay", TC, "Trình bày quy trình giải quyết tố cáo đối với đảng viên là cán bộ thuộc diện cấp ủy cùng cấp "
     "quản lý.", None, [],
     "Hướng dẫn chấm: tiếp nhận, phân loại, thẩm quyền; thành lập tổ/đoàn; thẩm tra, xác minh; đối tượng giải trình; "
     "kết luận; thông báo; bảo vệ người tố cáo."),
    # --- Tài chính, tài sản
    ("tf", TK, "Ủy ban kiểm tra có nhiệm vụ kiểm tra tài chính của cấp ủy cấp dưới và của cơ quan tài chính cấp ủy "
     "cùng cấp.", True, [], "Điều lệ Đảng, nhiệm vụ kiểm tra tài chính đảng của ủy ban kiểm tra."),
    ("mc", TK, "Đảng viên không đóng đảng phí bao lâu trong năm mà không có lý do chính đáng thì chi bộ xem xét, "
     "đề nghị xóa tên?", ["3 tháng", "1 tháng", "6 tháng", "12 tháng"], [1],
     "Điều lệ Đảng: bỏ sinh hoạt đảng hoặc không đóng đảng phí ba tháng trong năm."),
    ("tf", TK, "Đóng đảng phí đầy đủ theo quy định là một nhiệm vụ của đảng viên.", True, [], "Điều lệ Đảng."),
    ("mc", TK, "Theo Luật Phòng, chống tham nhũng 2018, người có nghĩa vụ kê khai phải kê khai bổ sung khi có biến "
     "động tài sản, thu nhập trong năm có giá trị từ:", ["300 triệu đồng trở lên", "50 triệu đồng trở lên",
                                                        "100 triệu đồng trở lên", "500 triệu đồng trở lên"], [1],
     "Luật Phòng, chống tham nhũng 2018: kê khai bổ sung khi biến động từ 300 triệu đồng trở lên."),
    ("mc_multi", TK, "Các phương thức kê khai tài sản, thu nhập theo Luật Phòng, chống tham nhũng 2018 gồm: "
     "(chọn tất cả các ý đúng)", ["Kê khai lần đầu", "Kê khai bổ sung", "Kê khai hằng năm",
                                  "Kê khai phục vụ công tác cán bộ", "Kê khai hằng quý"], [1, 2, 3, 4],
     "Luật PCTN 2018: lần đầu, bổ sung, hằng năm, phục vụ công tác cán bộ."),
    ("tf", TK, "Kiểm tra tài chính đảng bao gồm kiểm tra việc thu, chi, quản lý và sử dụng tài chính, tài sản của "
     "tổ chức đảng.", True, [], "Nội dung kiểm tra tài chính đảng."),
    ("mc", TK, "Nội dung nào thuộc phạm vi kiểm tra tài chính đảng của ủy ban kiểm tra?",
     ["Việc thu, nộp, quản lý, sử dụng đảng phí", "Doanh thu của hộ kinh doanh trên địa bàn",
      "Thu nhập cá nhân của người dân", "Lợi nhuận của doanh nghiệp không có tổ chức đảng"], [1],
     "Kiểm tra tài chính đảng: thu, nộp, quản lý, sử dụng đảng phí và tài chính đảng."),
    ("tf", TK, "Tài sản, thu nhập phải kê khai bao gồm cả tài sản, tài khoản ở nước ngoài.", True, [],
     "Luật Phòng, chống tham nhũng 2018, tài sản, thu nhập phải kê khai."),
    # --- Đạo đức, nêu gương
    ("mc", DD, "Quy định 37-QĐ/TW (2021) của Ban Chấp hành Trung ương quy định về nội dung gì?",
     ["Những điều đảng viên không được làm", "Trách nhiệm nêu gương của cán bộ, đảng viên",
      "Kỷ luật tổ chức đảng, đảng viên vi phạm", "Kê khai tài sản, thu nhập"], [1],
     "QĐ 37-QĐ/TW ngày 25/10/2021 về những điều đảng viên không được làm."),
    ("mc", DD, "Quy định 37-QĐ/TW có bao nhiêu điều đảng viên không được làm?", ["19", "12", "10", "27"], [1],
     "QĐ 37-QĐ/TW gồm 19 điều đảng viên không được làm."),
    ("mc", DD, "Quy định 101-QĐ/TW (2012) quy định trách nhiệm nêu gương của ai?",
     ["Cán bộ, đảng viên, nhất là cán bộ lãnh đạo chủ chốt các cấp", "Chỉ Ủy viên Bộ Chính trị",
      "Đoàn viên thanh niên", "Công chức không phải đảng viên"], [1],
     "QĐ 101-QĐ/TW ngày 07/6/2012 của Ban Bí thư."),
    ("mc", DD, "Quy định 08-QĐi/TW (2018) quy định trách nhiệm nêu gương của cán bộ, đảng viên, trước hết là ai?",
     ["Ủy viên Bộ Chính trị, Ủy viên Ban Bí thư, Ủy viên Ban Chấp hành Trung ương", "Bí thư chi bộ",
      "Cán bộ cơ quan ủy ban kiểm tra", "Đảng viên mới kết nạp"], [1], "QĐ 08-QĐi/TW ngày 25/10/2018."),
    ("tf", DD, "Cán bộ giữ chức vụ càng cao càng phải gương mẫu.", True, [], "Tinh thần của QĐ 08-QĐi/TW."),
    ("tf", DD, "Theo QĐ 37-QĐ/TW, đảng viên được tự ý tổ chức, tham gia các hội, nhóm trái quy định của Đảng và "
     "pháp luật.", False, [], "Đây là một trong những điều đảng viên không được làm."),
    ("mc_multi", DD, "Hành vi nào thuộc những điều đảng viên không được làm theo QĐ 37-QĐ/TW? "
     "(chọn tất cả các ý đúng)", ["Nói, viết, làm trái Cương lĩnh chính trị, Điều lệ Đảng, nghị quyết của Đảng",
                                  "Lợi dụng chức vụ, quyền hạn để trục lợi", "Tham gia đánh bạc dưới mọi hình thức",
                                  "Tham gia hoạt động từ thiện theo quy định của pháp luật"], [1, 2, 3],
     "QĐ 37-QĐ/TW."),
    ("tf", DD, "Tự phê bình và phê bình là nguyên tắc sinh hoạt của Đảng.", True, [], "Điều lệ Đảng."),
    ("tf", DD, "Cán bộ làm công tác kiểm tra phải gương mẫu, khách quan, không để người khác lợi dụng danh nghĩa của "
     "mình.", True, [], "Chương trình hành động, mục 4.2: cán bộ kiểm tra liêm khiết, công minh, chính trực."),
    ("mc", DD, "Đảng viên vi phạm những điều không được làm theo QĐ 37-QĐ/TW thì:",
     ["Tùy tính chất, mức độ mà bị xử lý kỷ luật theo quy định của Đảng", "Luôn bị khai trừ",
      "Chỉ bị nhắc nhở", "Không bị xử lý nếu đã nghỉ hưu"], [1], "QĐ 37-QĐ/TW và QĐ 69-QĐ/TW."),
    ("essay", DD, "Liên hệ bản thân về việc thực hiện trách nhiệm nêu gương của cán bộ làm công tác kiểm tra, giám "
     "sát tại đơn vị.", None, [],
     "Hướng dẫn chấm: liên hệ cụ thể (đạo đức, lối sống, tác phong, giữ bí mật, khách quan); có hướng khắc phục."),
    # --- Kết luận 34
    ("mc", KL34, "Kết luận 34-KL/TW của Bộ Chính trị về Chiến lược công tác kiểm tra, giám sát của Đảng đến năm 2030 "
     "được ban hành ngày nào?", ["18/4/2022", "28/7/2021", "06/7/2022", "25/10/2021"], [1], "Kết luận 34-KL/TW."),
    ("mc", KL34, "Kết luận 34-KL/TW của Bộ Chính trị là về nội dung gì?",
     ["Chiến lược công tác kiểm tra, giám sát của Đảng đến năm 2030", "Những điều đảng viên không được làm",
      "Kỷ luật tổ chức đảng, đảng viên vi phạm", "Luân chuyển cán bộ lãnh đạo, quản lý"], [1],
     "Kết luận 34-KL/TW ngày 18/4/2022."),
    ("mc", KL34, "Chỉ tiêu giai đoạn 2022 - 2025 của Chương trình hành động đối với cán bộ làm công tác kiểm tra, "
     "giám sát là:", ["100% được đào tạo, bồi dưỡng chuyên môn nghiệp vụ theo quy định của ngành",
                      "80% được đào tạo, bồi dưỡng", "50% có trình độ cao cấp lý luận chính trị",
                      "100% có trình độ thạc sĩ trở lên"], [1], "Chương trình hành động, mục II.2, chỉ tiêu (3)."),
    ("mc", KL34, "Chỉ tiêu giai đoạn 2025 - 2030 đối với cán bộ làm công tác kiểm tra là:",
     ["100% đảm bảo tiêu chí, tiêu chuẩn, khung năng lực theo quy định của ngành",
      "90% đảm bảo tiêu chuẩn chức danh", "100% được luân chuyển ít nhất một lần",
      "70% có bằng cử nhân luật"], [1], "Chương trình hành động, mục II.3, chỉ tiêu (3)."),
    ("mc", KL34, "Đến năm 2025, tỷ lệ ủy ban kiểm tra cấp ủy cơ sở thực hiện được nhiệm vụ giám sát thường xuyên, "
     "chủ động kiểm tra khi có dấu hiệu vi phạm là:", ["100%", "90%", "80%", "70%"], [1],
     "Chương trình hành động, mục II.2, chỉ tiêu (6)."),
    ("mc", KL34, "Theo Chương trình hành động, tỷ lệ kết luận, kiến nghị sau kiểm tra, giám sát, thanh tra, kiểm "
     "toán phải được thực hiện nghiêm túc là:", ["100%", "95%", "90%", "85%"], [1],
     "Chương trình hành động, chỉ tiêu (5)."),
    ("tf", KL34, "Theo Chương trình hành động, người đứng đầu cấp ủy trực tiếp chỉ đạo công tác kiểm tra, giám sát.",
     True, [], "Chương trình hành động, mục 1.4 (1)."),
    ("tf", KL34, "Kết quả kiểm tra, giám sát, thanh tra, kiểm toán được sử dụng để gợi ý kiểm điểm và đánh giá, xếp "
     "loại cán bộ, đảng viên.", True, [], "Chương trình hành động, mục 1.3 (4)."),
    ("tf", KL34, "Cấp ủy các cấp xây dựng quy tắc ứng xử của cán bộ kiểm tra.", True, [],
     "Chương trình hành động, mục 4.2 (2)."),
    ("mc", KL34, "Việc luân chuyển cán bộ kiểm tra được thực hiện theo văn bản nào của Ban Bí thư?",
     ["Kết luận 23-KL/TW ngày 10/12/2021", "Nghị quyết 26-NQ/TW ngày 19/5/2018", "Quy định 37-QĐ/TW",
      "Kết luận 34-KL/TW"], [1], "Chương trình hành động, mục 4.2 (4)."),
    ("mc", KL34, "Nghị quyết nào của Ban Chấp hành Trung ương về tập trung xây dựng đội ngũ cán bộ các cấp được "
     "Chương trình hành động yêu cầu tiếp tục quán triệt?", ["Nghị quyết 26-NQ/TW ngày 19/5/2018",
                                                            "Nghị quyết 04-NQ/TW", "Nghị quyết 12-NQ/TW",
                                                            "Nghị quyết 35-NQ/TW"], [1],
     "Chương trình hành động, mục 4.2 (3)."),
    ("tf", KL34, "Chương trình hành động yêu cầu kịp thời tập huấn, bồi dưỡng cho cán bộ mới được bầu tham gia ủy "
     "ban kiểm tra các cấp.", True, [], "Chương trình hành động, mục 4.3 (1)."),
]

QUIZZES = [
    dict(url="kiem-tra-giam-sat-co-ban", title="Kiểm tra, giám sát của Đảng — kiến thức cơ bản",
         description="10 câu rút ngẫu nhiên từ các ngân hàng giám sát, kiểm tra khi có dấu hiệu vi phạm "
                     "và Kết luận 34.",
         blueprint=[(GS, 4), (KT, 4), (KL34, 2)], random_order=True, time_limit_minutes=20, max_attempts=3,
         pass_mark=70, attests_level=2, answers_at_end=True),
    dict(url="ky-luat-dang-qd-69", title="Kỷ luật đảng theo Quy định 69 (sửa đổi bởi QĐ 264)",
         description="Hình thức, thời hiệu, thẩm quyền và nguyên tắc thi hành kỷ luật đảng.",
         bank=KL, no_essays=True, random_order=True, max_questions=10, time_limit_minutes=15, pass_mark=60,
         attests_level=2, answers_at_end=True),
    dict(url="to-cao-khieu-nai-tai-chinh", title="Giải quyết tố cáo, khiếu nại và kiểm tra tài chính đảng",
         description="Tố cáo, khiếu nại kỷ luật đảng; tài chính đảng; kê khai tài sản, thu nhập.",
         blueprint=[(TC, 5), (TK, 5)], random_order=True, time_limit_minutes=20, max_attempts=2, pass_mark=70,
         attests_level=2),
    dict(url="dao-duc-neu-guong", title="Đạo đức, trách nhiệm nêu gương (QĐ 37, 101, 08-QĐi)",
         description="Những điều đảng viên không được làm và trách nhiệm nêu gương; có một câu tự luận do giảng viên "
                     "chấm.", bank=DD, layout=QuizLayout.PAGED, pass_mark=60, attests_level=2, answers_at_end=True),
    dict(url="kiem-tra-cuoi-khoa-nghiep-vu", title="Bài kiểm tra cuối khóa: Nghiệp vụ công tác kiểm tra đảng",
         description="Bài kiểm tra cuối khóa bồi dưỡng nghiệp vụ: 16 câu từ sáu ngân hàng, 45 phút, tối đa 2 lần.",
         blueprint=[(GS, 3), (KT, 3), (KL, 4), (TC, 2), (TK, 2), (DD, 2)], random_order=True, time_limit_minutes=45,
         max_attempts=2, pass_mark=70, attests_level=3, success_text="Đồng chí đã đạt bài kiểm tra cuối khóa.",
         fail_text="Đồng chí chưa đạt; hãy ôn lại các bài học và làm lại (còn một lần)."),
    dict(url="ket-luan-34", title="Kết luận 34-KL/TW và Chương trình hành động của Tỉnh ủy",
         description="Mục tiêu, chỉ tiêu giai đoạn 2022 - 2025 và 2025 - 2030; nhiệm vụ, giải pháp về đội ngũ cán bộ "
                     "kiểm tra.", bank=KL34, pass_mark=80, attests_level=1, answers_at_end=True),
]

# The quiz that fits each demo course (demo.steps.course_content codes), for a lesson's QuizBlock or a final test.
COURSE_QUIZZES = {
    "KT-01": "ket-luan-34", "KT-02": "kiem-tra-giam-sat-co-ban", "KT-03": "kiem-tra-giam-sat-co-ban",
    "KT-04": "kiem-tra-cuoi-khoa-nghiep-vu", "KT-05": "to-cao-khieu-nai-tai-chinh", "KT-06": "ky-luat-dang-qd-69",
    "KT-07": "to-cao-khieu-nai-tai-chinh", "KT-08": "dao-duc-neu-guong", "KT-09": "ket-luan-34",
}

# Share of demo learners attempting each quiz.
ATTEMPT_SHARE = {"kiem-tra-giam-sat-co-ban": 0.9, "ky-luat-dang-qd-69": 0.6, "to-cao-khieu-nai-tai-chinh": 0.3,
                 "dao-duc-neu-guong": 0.3, "kiem-tra-cuoi-khoa-nghiep-vu": 0.25, "ket-luan-34": 0.5}
DEMO_LEARNERS = 160
PENDING_ESSAYS = 8
ESSAY_ANSWERS = [
    "Theo quy định, cần thực hiện đầy đủ các bước chuẩn bị, tiến hành và kết thúc; đơn vị tôi đã áp dụng khi giám "
    "sát việc thu, nộp đảng phí.",
    "Bản thân luôn giữ gìn phẩm chất đạo đức, khách quan khi thẩm tra, xác minh; cần tiếp tục nâng cao kỹ năng.",
    "Trình tự gồm tiếp nhận đơn, phân loại, thẩm tra xác minh, nghe đối tượng giải trình và kết luận.",
    "Các tình tiết tăng nặng như vi phạm nhiều lần, cố ý che giấu; ví dụ đảng viên không kê khai trung thực.",
]


def _ensure_banks(stdout) -> dict:
    categories = {}
    for key, (name, description, _keywords) in CATEGORIES.items():
        categories[key], _ = Category.objects.get_or_create(category=name, defaults={"description": description})
    existing = set(Question.objects.filter(category__in=categories.values()).values_list("category_id", "content"))
    created = 0
    for kind, bank, text, options, right, explanation in QUESTIONS:
        category = categories[bank]
        if (category.pk, text) in existing:
            continue
        common = {"category": category, "content": text, "explanation": explanation}
        if kind in ("mc", "mc_multi"):
            question = MCQuestion.objects.create(multiple=kind == "mc_multi", **common)
            Answer.objects.bulk_create([
                Answer(question=question, content=option, correct=i in right, sort_order=i)
                for i, option in enumerate(options, start=1)
            ])
        elif kind == "tf":
            TFQuestion.objects.create(correct=options, **common)
        else:
            EssayQuestion.objects.create(**common)
        created += 1
    stdout.write(f"    question banks: {len(categories)} categories, {created} questions created")
    return categories


# The demo framework's competency for each bank (demo.steps.competency codes); keywords are the fallback.
PREFERRED_COMPETENCY = {GS: "GS2", KT: "KT1", KL: "KL2", TC: "TC2", TK: "TD1", DD: "CT2", KL34: "DL2"}


def _link_competencies(categories: dict) -> int:
    """Map each bank to a competency of the active framework (when one exists): the preferred code, else
    the first competency whose area, then whose name, contains a keyword of the bank."""
    from competency.models import Competency
    from competency.selectors import framework_active

    framework = framework_active()
    if framework is None:
        return 0
    competencies = list(Competency.objects.filter(framework=framework).select_related("area"))
    by_code = {c.code: c for c in competencies}
    linked = 0
    for key, (_name, _description, keywords) in CATEGORIES.items():
        category = categories[key]
        if category.competency_id:
            continue
        match = by_code.get(PREFERRED_COMPETENCY[key])
        for keyword in keywords:
            if match:
                break
            match = next((c for c in competencies if keyword in c.area.name.lower()), None) or next(
                (c for c in competencies if keyword in c.name.lower()), None)
        if match:
            category.competency = match
            category.save(update_fields=["competency"])
            linked += 1
    return linked


def _ensure_quizzes(categories: dict, trainer) -> list[Quiz]:
    quizzes = []
    for spec in QUIZZES:
        spec = dict(spec)
        blueprint = spec.pop("blueprint", None)
        bank = spec.pop("bank", None)
        no_essays = spec.pop("no_essays", False)
        quiz = Quiz.objects.filter(url=spec["url"]).first()
        if quiz is None:
            quiz = Quiz.objects.create(owner=trainer, review_available=ReviewAvailable.SUBMIT, **spec)
            if blueprint:
                QuizBlueprint.objects.bulk_create([
                    QuizBlueprint(quiz=quiz, category=categories[key], count=count, sort_order=i)
                    for i, (key, count) in enumerate(blueprint)
                ])
            if bank:
                questions = Question.objects.filter(category=categories[bank])
                if no_essays:
                    questions = questions.exclude(kind=QuestionKind.ESSAY)
                quiz.questions.add(*questions)
        quizzes.append(quiz)
    return quizzes


def _learners(rng) -> list[Cadre]:
    """Demo learners: the `cadre` login's learner and a sample of active cadres given a (password-less) account."""
    User = get_user_model()
    pool = list(Cadre.objects.filter(status=CadreStatus.ACTIVE).order_by("code").only("id", "code", "full_name",
                                                                                          "user_id"))
    chosen = rng.sample(pool, min(DEMO_LEARNERS, len(pool)))
    without_user = [c for c in chosen if c.user_id is None]
    users = []
    for cadre in without_user:
        family, _, given = cadre.full_name.rpartition(" ")
        user = User(username=cadre.code.lower(), first_name=family, last_name=given)
        user.set_unusable_password()  # demo learners with results, not logins
        users.append(user)
    taken = set(User.objects.filter(username__in=[u.username for u in users]).values_list("username", flat=True))
    User.objects.bulk_create([u for u in users if u.username not in taken])
    by_name = dict(User.objects.filter(username__in=[c.code.lower() for c in without_user]).values_list("username",
                                                                                                           "id"))
    for cadre in without_user:
        cadre.user_id = by_name[cadre.code.lower()]
    Cadre.objects.bulk_update(without_user, ["user"])
    from demo.steps.organization import LEARNER_CADRE_CODE

    learner = Cadre.objects.filter(code=LEARNER_CADRE_CODE, user__isnull=False).first()
    if learner is not None and learner.pk not in {c.pk for c in chosen}:
        chosen.append(learner)
    return chosen


def _sit(quiz, cadre, attempt_no, ability, start, rng, key, kinds, trainer, mark_essays):
    order = services._draw_questions(quiz, rng)
    limit = dt.timedelta(minutes=quiz.time_limit_minutes) if quiz.time_limit_minutes else None
    sitting = Sitting(user_id=cadre.user_id, cadre=cadre, quiz=quiz, attempt_no=attempt_no, question_order=order,
                      start=start, complete=True, ended_by=SittingEnd.SUBMITTED, max_score=len(order),
                      deadline=start + limit if limit else None)
    sitting.end = start + dt.timedelta(minutes=rng.randint(4, quiz.time_limit_minutes or 25))
    rows, snapshot, incorrect, score, pending = [], {}, [], 0, 0
    for qid in order:
        kind = kinds[qid]
        right = rng.random() < ability
        row = SittingAnswer(question_id=qid, answered_at=sitting.end)
        if kind == QuestionKind.MC:
            correct_ids, wrong_ids = key[qid]
            row.choice_ids = sorted(correct_ids) if right or not wrong_ids else [rng.choice(wrong_ids)]
            row.is_correct = right or not wrong_ids
            snapshot[str(qid)] = row.choice_ids
        elif kind == QuestionKind.TF:
            row.tf_answer = key[qid] if right else not key[qid]
            row.is_correct = right
            snapshot[str(qid)] = row.tf_answer
        else:
            row.essay_text = rng.choice(ESSAY_ANSWERS)
            snapshot[str(qid)] = row.essay_text
            if mark_essays:
                row.is_correct = right
                row.marked_by, row.marked_at = trainer, sitting.end + dt.timedelta(days=1)
                row.marker_comment = "Đạt yêu cầu." if right else "Chưa nêu đủ các bước theo quy định."
            else:
                pending += 1
        if row.is_correct:
            score += 1
        elif row.is_correct is False:
            incorrect.append(qid)
        rows.append(row)
    sitting.current_score, sitting.essays_pending = score, pending
    sitting.passed = None if pending else services._passes(score, len(order), quiz.pass_mark)
    sitting.answers, sitting.incorrect_questions = snapshot, incorrect
    return sitting, rows


def _answer_key() -> tuple[dict, dict]:
    """{question_id: (right answer ids, wrong answer ids) or True/False} and {question_id: kind} for the banks."""
    banks = Category.objects.filter(category__in=[name for name, _d, _k in CATEGORIES.values()])
    kinds = dict(Question.objects.filter(category__in=banks).values_list("id", "kind"))
    key: dict = dict(TFQuestion.objects.filter(id__in=kinds).values_list("id", "correct"))
    for qid, aid, correct in Answer.objects.filter(question_id__in=kinds).values_list("question_id", "id", "correct"):
        right, wrong = key.setdefault(qid, (set(), []))
        if correct:
            right.add(aid)
        else:
            wrong.append(aid)
    return key, kinds


def _ensure_sittings(quizzes, trainer, rng, today, stdout) -> None:
    if Sitting.objects.filter(quiz__in=quizzes).exists():
        return
    learners = _learners(rng)
    key, kinds = _answer_key()
    # Quizzes that may draw an essay (their sittings may wait for the trainer's mark).
    with_essays = {
        quiz.pk for quiz in quizzes
        if quiz.blueprint.exists() or quiz.questions.filter(kind=QuestionKind.ESSAY).exists()
    }
    tz = timezone.get_current_timezone()
    sittings, answers = [], []
    essay_sittings = 0
    from demo.steps.organization import LEARNER_CADRE_CODE

    for cadre in learners:
        ability = rng.uniform(0.35, 0.97)
        for quiz in quizzes:
            is_learner = cadre.code == LEARNER_CADRE_CODE
            if is_learner:
                if quiz.url not in ("ky-luat-dang-qd-69", "ket-luan-34"):
                    continue
            elif rng.random() > ATTEMPT_SHARE[quiz.url]:
                continue
            limit = quiz.attempt_limit or 3
            skill = ability if not is_learner else (0.3 if quiz.url == "ky-luat-dang-qd-69" else 0.95)
            day = today - dt.timedelta(days=rng.randint(8, 150))
            for attempt_no in range(1, limit + 1):
                start = dt.datetime.combine(day, dt.time(rng.randint(7, 16), rng.randint(0, 59)), tzinfo=tz)
                recent = day > today - dt.timedelta(days=30)
                mark = not (quiz.pk in with_essays and essay_sittings < PENDING_ESSAYS and recent)
                sitting, rows = _sit(quiz, cadre, attempt_no, skill, start, rng, key, kinds, trainer, mark)
                if sitting.essays_pending:
                    essay_sittings += 1
                sittings.append(sitting)
                answers.append(rows)
                if sitting.passed is not False or is_learner or rng.random() < 0.4:
                    break
                skill = min(0.98, skill + 0.2)  # studied before trying again
                day = day + dt.timedelta(days=rng.randint(2, 7))
    with transaction.atomic():
        Sitting.objects.bulk_create(sittings, batch_size=500)
        rows = []
        for sitting, sitting_rows in zip(sittings, answers, strict=True):
            for row in sitting_rows:
                row.sitting = sitting
                rows.append(row)
        SittingAnswer.objects.bulk_create(rows, batch_size=1000)
        category_ids = set(Category.objects.filter(
            category__in=[name for name, _d, _k in CATEGORIES.values()]).values_list("id", flat=True))
        for user_id in {s.user_id for s in sittings}:
            services.progress_recompute(user_id=user_id, category_ids=category_ids)
    passed = sum(1 for s in sittings if s.passed)
    failed = sum(1 for s in sittings if s.passed is False)
    stdout.write(f"    sittings: {len(sittings)} for {len(learners)} cadres ({passed} passed, {failed} not passed, "
                 f"{len(sittings) - passed - failed} awaiting essay marking)")


def _record_evidence(quizzes) -> int:
    """Competency evidence for passed demo sittings whose banks map to competencies (idempotent)."""
    from competency.models import EvidenceSource
    from competency.services import evidence_record

    competency_by_category = dict(Category.objects.filter(competency__isnull=False).values_list("id", "competency"))
    if not competency_by_category:
        return 0
    from competency.models import Competency

    competencies = {c.pk: c for c in Competency.objects.filter(pk__in=competency_by_category.values())
                    .select_related("framework")}
    category_of = dict(Question.objects.filter(category_id__in=competency_by_category).values_list("id", "category_id"))
    recorded = 0
    for sitting in Sitting.objects.filter(quiz__in=quizzes, passed=True, cadre__isnull=False).select_related("quiz",
                                                                                                             "cadre"):
        if not sitting.quiz.attests_level:
            continue
        wanted = {competency_by_category[category_of[q]] for q in sitting.question_order if q in category_of}
        for competency_id in sorted(wanted):
            try:
                evidence_record(cadre=sitting.cadre, competency=competencies[competency_id],
                                level=sitting.quiz.attests_level, source=EvidenceSource.QUIZ,
                                obtained_on=timezone.localdate(sitting.end), source_ref=f"sitting:{sitting.pk}",
                                note=sitting.quiz.title)
            except ValidationError:  # the framework's scale is shorter than the quiz's level
                continue
            recorded += 1
    return recorded


def load(*, stdout, rng, today) -> None:
    """Question banks, quizzes and demo sittings; evidence when the competency framework is loaded."""
    User = get_user_model()
    trainer = User.objects.filter(username="trainer").first()
    categories = _ensure_banks(stdout)
    linked = _link_competencies(categories)
    quizzes = _ensure_quizzes(categories, trainer)
    _ensure_sittings(quizzes, trainer, rng, today, stdout)
    evidence = _record_evidence(quizzes)
    stdout.write(f"    quizzes: {len(quizzes)}; banks linked to competencies: {linked}; evidence records: {evidence}")
