"""The demo curriculum, as data: regulations, one curriculum, its courses, modules and lessons.

Written from the province's action program implementing Conclusion 34-KL/TW
(../shared/seed/chuong-trinh-hanh-dong-ket-luan-34.txt) and the regulations it names. Quotes in
citation blocks are taken word for word from that program; what the regulations themselves say
is summarised in the lessons' own words, not quoted.

Lesson body items:
  ("h", text)                               heading
  ("p", html)                               rich text
  ("cite", number, article, quote, note)    regulation citation
  ("note" | "tip" | "warning" | "example", title, html)   callout
"""

import datetime as dt

D = dt.date
BCH = "Ban Chấp hành Trung ương"
BCT = "Bộ Chính trị"
BBT = "Ban Bí thư"
PROGRAM = "CTHĐ-KL34"  # the province's action program, cited like a regulation

# number, kind, title, issued_on (None when not recorded), issuer, status, replaced/amended by
REGULATIONS = (
    ("Điều lệ Đảng", "other", "Điều lệ Đảng Cộng sản Việt Nam", D(2011, 1, 19), "Đại hội đại biểu toàn quốc lần thứ XI",
     "in_force", None),
    ("34-KL/TW", "conclusion", "Kết luận về Chiến lược công tác kiểm tra, giám sát của Đảng đến năm 2030",
     D(2022, 4, 18), BCT, "in_force", None),
    (PROGRAM, "other", "Chương trình hành động của Tỉnh ủy thực hiện Kết luận số 34-KL/TW", None,
     "Ban Chấp hành Đảng bộ tỉnh", "in_force", None),
    ("296-QĐ/TW", "regulation", "Quy định về công tác kiểm tra, giám sát và kỷ luật của Đảng", D(2025, 5, 30), BCH,
     "in_force", None),
    ("22-QĐ/TW", "regulation", "Quy định về công tác kiểm tra, giám sát và kỷ luật của Đảng", D(2021, 7, 28), BCH,
     "superseded", "296-QĐ/TW"),
    ("264-QĐ/TW", "regulation", "Quy định sửa đổi, bổ sung một số điều của Quy định số 69-QĐ/TW về kỷ luật tổ chức "
     "đảng, đảng viên vi phạm", None, BCT, "in_force", None),
    ("69-QĐ/TW", "regulation", "Quy định về kỷ luật tổ chức đảng, đảng viên vi phạm", D(2022, 7, 6), BCT, "amended",
     "264-QĐ/TW"),
    ("37-QĐ/TW", "regulation", "Quy định về những điều đảng viên không được làm", D(2021, 10, 25), BCH, "in_force",
     None),
    ("101-QĐ/TW", "regulation", "Quy định về trách nhiệm nêu gương của cán bộ, đảng viên, nhất là cán bộ lãnh đạo "
     "chủ chốt các cấp", D(2012, 6, 7), BBT, "in_force", None),
    ("08-QĐi/TW", "regulation", "Quy định về trách nhiệm nêu gương của cán bộ, đảng viên, trước hết là Ủy viên Bộ "
     "Chính trị, Ủy viên Ban Bí thư, Ủy viên Ban Chấp hành Trung ương", D(2018, 10, 25), BCH, "in_force", None),
    ("109-QĐ/TW", "regulation", "Quy định về công tác kiểm tra của tổ chức đảng đối với việc rèn luyện đạo đức, lối "
     "sống của cán bộ, đảng viên", D(2018, 1, 3), BBT, "in_force", None),
    ("124-QĐ/TW", "regulation", "Quy định về giám sát của Mặt trận Tổ quốc Việt Nam, các đoàn thể chính trị - xã hội "
     "và Nhân dân đối với việc tu dưỡng, rèn luyện đạo đức, lối sống của người đứng đầu, cán bộ chủ chốt và cán bộ, "
     "đảng viên", D(2018, 2, 2), BBT, "in_force", None),
    ("179-QĐ/TW", "regulation", "Quy định về chế độ kiểm tra, giám sát công tác cán bộ", D(2019, 2, 25), BCT,
     "in_force", None),
    ("114-QĐ/TW", "regulation", "Quy định về kiểm soát quyền lực và phòng, chống tham nhũng, tiêu cực trong công tác "
     "cán bộ", D(2023, 7, 11), BCT, "in_force", None),
    ("205-QĐ/TW", "regulation", "Quy định về việc kiểm soát quyền lực trong công tác cán bộ và chống chạy chức, chạy "
     "quyền", D(2019, 9, 23), BCT, "superseded", "114-QĐ/TW"),
    ("26-NQ/TW", "resolution", "Nghị quyết về tập trung xây dựng đội ngũ cán bộ các cấp, nhất là cấp chiến lược, đủ "
     "phẩm chất, năng lực và uy tín, ngang tầm nhiệm vụ", D(2018, 5, 19), BCH, "in_force", None),
    ("23-KL/TW", "conclusion", "Kết luận về luân chuyển cán bộ kiểm tra", D(2021, 12, 10), BBT, "in_force", None),
    ("65-QĐ/TW", "regulation", "Quy định về luân chuyển cán bộ", D(2022, 4, 28), BCT, "in_force", None),
    ("368-QĐ/TW", "regulation", "Quy định về danh mục vị trí chức danh, nhóm chức danh, chức vụ lãnh đạo của hệ "
     "thống chính trị", None, BCT, "in_force", None),
    ("35-KL/TW", "conclusion", "Kết luận về danh mục chức danh, chức vụ lãnh đạo và tương đương của hệ thống chính "
     "trị từ Trung ương đến cơ sở", D(2022, 5, 5), BCT, "superseded", "368-QĐ/TW"),
    ("36/2018/QH14", "law", "Luật Phòng, chống tham nhũng", D(2018, 11, 20), "Quốc hội", "in_force", None),
    ("130/2020/NĐ-CP", "law", "Nghị định về kiểm soát tài sản, thu nhập của người có chức vụ, quyền hạn trong cơ quan, "
     "tổ chức, đơn vị", D(2020, 10, 30), "Chính phủ", "in_force", None),
)

CURRICULUM = {
    "title": "Chương trình bồi dưỡng nghiệp vụ công tác kiểm tra, giám sát giai đoạn 2025 – 2030",
    "slug": "chuong-trinh-boi-duong",
    "intro": "Chương trình của Ủy ban Kiểm tra Tỉnh ủy cho cán bộ làm công tác kiểm tra, giám sát từ tỉnh đến cơ sở, "
             "thực hiện mục 4.3 Chương trình hành động thực hiện Kết luận số 34-KL/TW.",
    "body": "<p>Mục tiêu giai đoạn 2022 – 2025 là 100% cán bộ làm công tác kiểm tra, giám sát được đào tạo, bồi dưỡng "
            "chuyên môn nghiệp vụ theo quy định của ngành; giai đoạn 2025 – 2030 là 100% cán bộ kiểm tra bảo đảm "
            "tiêu chí, tiêu chuẩn, khung năng lực theo quy định của ngành.</p><p>Các khóa bắt buộc được giao tự động "
            "theo chức vụ; ủy viên ủy ban kiểm tra mới được bầu hoàn thành khóa nhập môn trong 90 ngày kể từ ngày "
            "được bầu.</p>",
}

COMMITTEE = ("chu-nhiem", "pho-chu-nhiem-chuyen-trach", "pho-chu-nhiem-kiem-nhiem", "uy-vien-chuyen-trach",
             "uy-vien-kiem-nhiem")
EVERYONE = (*COMMITTEE, "can-bo-co-quan")
FULLTIME = ("chu-nhiem", "pho-chu-nhiem-chuyen-trach", "uy-vien-chuyen-trach", "can-bo-co-quan")

P = "p"


def _lesson(title, minutes, body, summary="", required=True):
    return {"title": title, "minutes": minutes, "body": body, "summary": summary, "required": required}


COURSES = (
    # ------------------------------------------------------------------------------------------
    {
        "code": "KT-01",
        "title": "Nhập môn cho ủy viên ủy ban kiểm tra mới được bầu",
        "slug": "nhap-mon-uy-vien-ubkt",
        "summary": "Những điều ủy viên ủy ban kiểm tra mới được bầu, bổ sung cần nắm trong 90 ngày đầu nhiệm kỳ: vị "
                   "trí, nhiệm vụ của ủy ban kiểm tra, nguyên tắc làm việc và cách bắt tay vào việc.",
        "audience": "Chủ nhiệm, phó chủ nhiệm và ủy viên ủy ban kiểm tra các cấp mới được bầu hoặc bầu bổ sung.",
        "hours": "16", "mandatory": True, "validity": None, "due_days": 90, "positions": COMMITTEE,
        "prerequisites": (),
        "modules": (
            ("Vị trí, chức năng và nhiệm vụ của ủy ban kiểm tra", "Ủy ban kiểm tra trong hệ thống tổ chức của Đảng.", (
                _lesson("Ủy ban kiểm tra trong hệ thống tổ chức của Đảng", 20, [
                    ("h", "Ủy ban kiểm tra là cơ quan chuyên trách của Đảng"),
                    (P, "<p>Ủy ban kiểm tra các cấp do cấp ủy cùng cấp bầu, là cơ quan chuyên trách giúp cấp ủy "
                        "thực hiện công tác kiểm tra, giám sát và kỷ luật của Đảng. Ủy ban kiểm tra vừa thực hiện "
                        "nhiệm vụ do Điều lệ Đảng giao, vừa tham mưu, giúp cấp ủy thực hiện nhiệm vụ kiểm tra, giám "
                        "sát của cấp ủy.</p><p>Ủy ban kiểm tra làm việc theo chế độ tập thể, chịu sự lãnh đạo của "
                        "cấp ủy cùng cấp và sự chỉ đạo, kiểm tra của ủy ban kiểm tra cấp trên.</p>"),
                    ("cite", "Điều lệ Đảng", "Chương VII", "",
                     "Chương VII của Điều lệ Đảng quy định công tác kiểm tra, giám sát của Đảng và ủy ban kiểm tra các "
                     "cấp: cách lập, nhiệm vụ và quyền hạn."),
                    (P, "<p>Kết luận số 34-KL/TW của Bộ Chính trị xác định chiến lược công tác kiểm tra, giám sát "
                        "đến năm 2030; Tỉnh ủy đã cụ thể hóa bằng Chương trình hành động, trong đó đặt ra yêu cầu "
                        "xây dựng đội ngũ cán bộ kiểm tra liêm khiết, công minh, chính trực.</p>"),
                    ("cite", PROGRAM, "Mục I.2",
                     "Đổi mới mạnh mẽ, nâng cao chất lượng, hiệu lực, hiệu quả lãnh đạo, chỉ đạo và tổ chức thực "
                     "hiện công tác kiểm tra, giám sát và kỷ luật của Đảng trong tình hình mới, hoàn thành các mục "
                     "tiêu, nhiệm vụ đã đề ra trong Kết luận 34.", ""),
                ], "Ủy ban kiểm tra được bầu thế nào, chịu sự lãnh đạo của ai và làm việc theo chế độ nào."),
                _lesson("Nhiệm vụ và quyền hạn của ủy ban kiểm tra", 25, [
                    ("h", "Các nhiệm vụ theo Điều lệ Đảng"),
                    (P, "<p>Ủy ban kiểm tra các cấp có các nhiệm vụ chính:</p><ul>"
                        "<li>kiểm tra đảng viên, kể cả cấp ủy viên cùng cấp, khi có dấu hiệu vi phạm;</li>"
                        "<li>kiểm tra tổ chức đảng cấp dưới khi có dấu hiệu vi phạm;</li>"
                        "<li>giám sát cấp ủy viên cùng cấp, cán bộ diện cấp ủy cùng cấp quản lý và tổ chức đảng cấp "
                        "dưới;</li>"
                        "<li>kiểm tra tổ chức đảng cấp dưới thực hiện nhiệm vụ kiểm tra, giám sát và thi hành kỷ "
                        "luật;</li>"
                        "<li>kiểm tra tài chính của cấp ủy cấp dưới và của cơ quan tài chính cấp ủy cùng cấp;</li>"
                        "<li>giải quyết tố cáo đối với tổ chức đảng, đảng viên và giải quyết khiếu nại kỷ luật đảng."
                        "</li></ul>"),
                    ("cite", "296-QĐ/TW", "", "",
                     "Quy định 296-QĐ/TW (2025) hướng dẫn chi tiết nhiệm vụ, quyền hạn, đối tượng, nội dung và "
                     "quy trình của từng nhiệm vụ nêu trên."),
                    ("tip", "Ghi nhớ", "<p>Nhiệm vụ <b>giám sát</b> được tiến hành thường xuyên và rộng; nhiệm vụ "
                                       "<b>kiểm tra</b> có trọng tâm, trọng điểm.</p>"),
                ]),
            )),
            ("Phương pháp làm việc của ủy viên ủy ban kiểm tra", "Chế độ làm việc, phân công và phối hợp.", (
                _lesson("Quy chế làm việc và phân công nhiệm vụ", 20, [
                    (P, "<p>Ngay sau khi được bầu, ủy ban kiểm tra ban hành (hoặc sửa đổi) quy chế làm việc nhiệm "
                        "kỳ, phân công từng ủy viên phụ trách lĩnh vực, địa bàn và theo dõi tổ chức đảng cấp dưới. "
                        "Ủy viên kiêm nhiệm vẫn phải dành thời gian tham gia các cuộc kiểm tra, giám sát được "
                        "phân công.</p>"),
                    ("cite", PROGRAM, "Mục III.2.4(4)",
                     "Chủ động rà soát, bổ sung, sửa đổi kịp thời quy chế làm việc, duy trì thực hiện nguyên tắc, "
                     "chế độ làm việc của ủy ban kiểm tra theo đúng quy định", ""),
                    ("note", "Phó chủ nhiệm chuyên trách ở cơ sở lớn",
                     "<p>Tổ chức cơ sở đảng ở xã, phường và trong cơ quan, doanh nghiệp có từ 300 đảng viên trở lên "
                     "bố trí phó chủ nhiệm ủy ban kiểm tra chuyên trách.</p>"),
                ]),
                _lesson("Phối hợp với các cơ quan liên quan", 15, [
                    (P, "<p>Ủy ban kiểm tra phối hợp với các ban xây dựng Đảng, thanh tra, kiểm toán và cơ quan tư "
                        "pháp cùng cấp để trao đổi thông tin, không để chồng chéo, và xử lý kịp thời đảng viên vi "
                        "phạm trong các vụ án, vụ việc.</p>"),
                    ("cite", PROGRAM, "Mục III.1.3(3)",
                     "Ủy ban kiểm tra các cấp chủ động phối hợp với các cơ quan chức năng để xem xét, xử lý đảng viên "
                     "vi phạm trong các vụ án, vụ việc, không chờ có kết luận thanh tra, kiểm toán, điều tra", ""),
                ]),
            )),
            ("Bắt tay vào việc trong 90 ngày đầu", "Một lộ trình cụ thể cho ủy viên mới.", (
                _lesson("Lập kế hoạch cá nhân 90 ngày", 20, [
                    ("h", "Ba việc trong tháng đầu"),
                    (P, "<ol><li>Đọc kỹ quy chế làm việc, chương trình kiểm tra, giám sát toàn khóa và năm của ủy "
                        "ban kiểm tra.</li><li>Nắm tình hình tổ chức đảng, địa bàn được phân công theo dõi.</li>"
                        "<li>Hoàn thành các khóa bắt buộc trên KTLearn theo hạn được giao.</li></ol>"),
                    ("example", "Tình huống",
                     "<p>Đồng chí A được bầu bổ sung vào ủy ban kiểm tra đảng ủy phường ngày 15/3. Đồng chí cần "
                     "hoàn thành khóa nhập môn trước ngày 13/6 và tham gia ít nhất một cuộc giám sát chuyên đề "
                     "trong quý.</p>"),
                ]),
                _lesson("Tự kiểm tra kiến thức nhập môn", 10, [
                    (P, "<p>Trước khi kết thúc khóa, hãy tự trả lời: ủy ban kiểm tra do ai bầu? Có mấy nhóm nhiệm "
                        "vụ chính? Ủy viên được phân công theo dõi tổ chức đảng nào?</p>"),
                ], required=False),
            )),
        ),
    },
    # ------------------------------------------------------------------------------------------
    {
        "code": "KT-02",
        "title": "Quy định 296-QĐ/TW về công tác kiểm tra, giám sát và kỷ luật của Đảng",
        "slug": "quy-dinh-296",
        "summary": "Nội dung và những điểm mới của Quy định 296-QĐ/TW năm 2025, thay thế Quy định 22-QĐ/TW năm 2021.",
        "audience": "Toàn bộ cán bộ làm công tác kiểm tra, giám sát.",
        "hours": "12", "mandatory": True, "validity": 36, "due_days": 120, "positions": EVERYONE,
        "prerequisites": (),
        "modules": (
            ("Bố cục và phạm vi điều chỉnh", "", (
                _lesson("Từ Quy định 22 đến Quy định 296", 20, [
                    (P, "<p>Ngày 30/5/2025, Ban Chấp hành Trung ương ban hành Quy định 296-QĐ/TW về công tác kiểm "
                        "tra, giám sát và kỷ luật của Đảng, thay thế Quy định 22-QĐ/TW ngày 28/7/2021. Quy định mới "
                        "phù hợp với việc sắp xếp tổ chức bộ máy, kết thúc hoạt động của cấp huyện từ 01/7/2025.</p>"),
                    ("cite", "296-QĐ/TW", "", "", "Văn bản đang có hiệu lực; dùng văn bản này khi trích dẫn căn cứ."),
                    ("warning", "Không dùng căn cứ đã hết hiệu lực",
                     "<p>Các quyết định, thông báo, kết luận ban hành từ khi Quy định 296 có hiệu lực phải trích dẫn "
                     "Quy định 296, không trích dẫn Quy định 22.</p>"),
                ]),
                _lesson("Đối tượng, nguyên tắc kiểm tra, giám sát", 25, [
                    (P, "<p>Tổ chức đảng và đảng viên đều chịu sự kiểm tra, giám sát của Đảng; không có vùng cấm, "
                        "không có ngoại lệ. Công tác kiểm tra, giám sát phải chủ động, thường xuyên, toàn diện, "
                        "khách quan, công khai, dân chủ, thận trọng và chặt chẽ.</p>"),
                    ("cite", PROGRAM, "Mục III.2.1(4)",
                     "Công tác kiểm tra, giám sát phải chủ động, tiến hành một cách thường xuyên, toàn diện, khách "
                     "quan, công khai, dân chủ, thận trọng và chặt chẽ; coi trọng phòng ngừa, lấy xây là chính", ""),
                ]),
            )),
            ("Những điểm mới cần lưu ý", "", (
                _lesson("Thẩm quyền của cấp cơ sở", 20, [
                    (P, "<p>Sau khi bỏ cấp huyện, đảng ủy xã, phường, đặc khu trực thuộc tỉnh ủy và ủy ban kiểm tra "
                        "của các đảng ủy này được giao thêm thẩm quyền. Ủy ban kiểm tra cấp trên phải kịp thời hướng "
                        "dẫn cấp cơ sở thực hiện thẩm quyền mới.</p>"),
                    ("cite", PROGRAM, "Mục III.2.4(1)",
                     "kịp thời hướng dẫn việc thực hiện các quy định, hướng dẫn mới của Trung ương về công tác kiểm "
                     "tra, giám sát, kỷ luật của Đảng, nhất là việc thực hiện nhiệm vụ của cấp cơ sở khi được bổ sung "
                     "một số thẩm quyền theo quy định mới của Đảng.", ""),
                ]),
                _lesson("Đối chiếu với các quyết định cũ", 15, [
                    (P, "<p>Các quyết định kiểm tra ban hành trước ngày Quy định 296 có hiệu lực vẫn viện dẫn Quy "
                        "định 22; khi rà soát hồ sơ cũ, cần đối chiếu điều khoản tương ứng trong Quy định 296.</p>"),
                    ("cite", "22-QĐ/TW", "", "",
                     "Căn cứ của các hồ sơ kiểm tra, giám sát từ 2021 đến 2025; nay đã được thay thế."),
                ], required=False),
            )),
        ),
    },
    # ------------------------------------------------------------------------------------------
    {
        "code": "KT-03",
        "title": "Nghiệp vụ giám sát thường xuyên và giám sát chuyên đề",
        "slug": "nghiep-vu-giam-sat",
        "summary": "Giám sát phải mở rộng: nắm tình hình, giám sát thường xuyên và tổ chức một cuộc giám sát "
                   "chuyên đề từ kế hoạch đến thông báo kết quả.",
        "audience": "Ủy viên ủy ban kiểm tra và cán bộ cơ quan ủy ban kiểm tra.",
        "hours": "12", "mandatory": False, "validity": None, "due_days": 90, "positions": (),
        "prerequisites": (),
        "modules": (
            ("Giám sát thường xuyên", "", (
                _lesson("Phương châm: giám sát phải mở rộng", 20, [
                    ("cite", PROGRAM, "Mục III.2.1(1)",
                     "Các cấp ủy, tổ chức đảng thực hiện kiểm tra, giám sát theo phương châm giám sát phải mở rộng, "
                     "kiểm tra có trọng tâm, trọng điểm.", ""),
                    (P, "<p>Giám sát thường xuyên được thực hiện qua nghiên cứu văn bản, báo cáo; dự các cuộc họp, "
                        "hội nghị; nắm tình hình qua dư luận, đơn thư, phương tiện thông tin; trao đổi với tổ chức "
                        "đảng, đảng viên được giám sát. Mọi phát hiện cần được ghi chép, tổng hợp để tham mưu kịp "
                        "thời.</p>"),
                ]),
                _lesson("Ghi sổ theo dõi và báo cáo định kỳ", 15, [
                    (P, "<p>Mỗi ủy viên lập sổ theo dõi giám sát thường xuyên đối với địa bàn, lĩnh vực được phân "
                        "công; định kỳ báo cáo ủy ban kiểm tra những vấn đề cần nhắc nhở, chấn chỉnh hoặc chuyển sang "
                        "kiểm tra khi có dấu hiệu vi phạm.</p>"),
                    ("tip", "Mẹo thực hành", "<p>Ghi rõ nguồn thông tin và ngày nắm được thông tin, để khi chuyển "
                                              "sang kiểm tra có đủ căn cứ.</p>"),
                ]),
            )),
            ("Giám sát chuyên đề", "", (
                _lesson("Chuẩn bị, tiến hành và kết thúc một cuộc giám sát chuyên đề", 30, [
                    ("h", "Chuẩn bị"),
                    (P, "<p>Xây dựng kế hoạch, ban hành quyết định thành lập đoàn giám sát, xây dựng đề cương gợi ý "
                        "báo cáo gửi đối tượng được giám sát.</p>"),
                    ("h", "Tiến hành"),
                    (P, "<p>Công bố quyết định, nghiên cứu báo cáo và tài liệu, làm việc với các tổ chức, cá nhân có "
                        "liên quan, dự thảo báo cáo kết quả giám sát.</p>"),
                    ("h", "Kết thúc"),
                    (P, "<p>Báo cáo ủy ban kiểm tra, thông báo kết quả giám sát, theo dõi việc khắc phục hạn chế, "
                        "khuyết điểm; nếu phát hiện dấu hiệu vi phạm thì đề nghị chuyển sang kiểm tra.</p>"),
                ]),
                _lesson("Giám sát chuyên đề về đạo đức, lối sống", 20, [
                    ("cite", PROGRAM, "Mục III.2.1(5)",
                     "Các cấp ủy, tổ chức đảng, nhất là cấp ủy cơ sở, ủy ban kiểm tra cấp cơ sở và chi bộ tăng cường "
                     "kiểm tra, giám sát thường xuyên theo các chuyên đề", ""),
                    (P, "<p>Các chuyên đề được nêu gồm: việc thực hiện Quy định 109-QĐ/TW về kiểm tra việc rèn luyện "
                        "đạo đức, lối sống; Quy định 37-QĐ/TW về những điều đảng viên không được làm; Quy định "
                        "101-QĐ/TW về trách nhiệm nêu gương; Quy định 179-QĐ/TW về kiểm tra, giám sát công tác cán "
                        "bộ; kiểm soát quyền lực trong công tác cán bộ; thực hành tiết kiệm, phòng chống tham "
                        "nhũng, kê khai tài sản, thu nhập.</p>"),
                    ("cite", "205-QĐ/TW", "",
                     "", "Chương trình hành động năm 2022 viện dẫn Quy định 205-QĐ/TW; nay đã được thay thế."),
                ]),
            )),
        ),
    },
    # ------------------------------------------------------------------------------------------
    {
        "code": "KT-04",
        "title": "Kiểm tra tổ chức đảng, đảng viên khi có dấu hiệu vi phạm",
        "slug": "kiem-tra-dau-hieu-vi-pham",
        "summary": "Phát hiện dấu hiệu vi phạm, lựa chọn đối tượng, quy trình kiểm tra và kết luận có đủ căn cứ.",
        "audience": "Chủ nhiệm, phó chủ nhiệm, ủy viên chuyên trách và cán bộ cơ quan ủy ban kiểm tra.",
        "hours": "16", "mandatory": True, "validity": None, "due_days": 180, "positions": FULLTIME,
        "prerequisites": ("KT-02",),
        "modules": (
            ("Phát hiện dấu hiệu vi phạm", "", (
                _lesson("Nguồn phát hiện và lựa chọn đối tượng", 25, [
                    ("cite", PROGRAM, "Mục III.2.2(1)",
                     "Chủ động kiểm tra khi có dấu hiệu vi phạm, tập trung vào những địa bàn, lĩnh vực, vị trí công "
                     "tác dễ nảy sinh vi phạm", ""),
                    (P, "<p>Dấu hiệu vi phạm được phát hiện qua giám sát, qua đơn thư, qua kết luận thanh tra, kiểm "
                        "toán, qua thông tin của cơ quan chức năng và báo chí. Những lĩnh vực dễ xảy ra vi phạm: "
                        "quản lý đất đai, tài nguyên, khoáng sản, tài chính, tài sản công, đầu tư công, tổ chức "
                        "cán bộ.</p>"),
                ]),
                _lesson("Đánh giá thông tin trước khi kiểm tra", 15, [
                    (P, "<p>Trước khi đề xuất kiểm tra, cán bộ kiểm tra phải thẩm tra sơ bộ thông tin, xác định "
                        "dấu hiệu vi phạm có căn cứ, thuộc thẩm quyền của cấp mình và xác định rõ nội dung kiểm "
                        "tra.</p>"),
                    ("warning", "Thận trọng", "<p>Không đồng nhất dấu hiệu vi phạm với vi phạm: chỉ có kết luận "
                                             "của tổ chức có thẩm quyền mới xác định vi phạm.</p>"),
                ]),
            )),
            ("Quy trình kiểm tra", "", (
                _lesson("Ba bước của một cuộc kiểm tra", 30, [
                    (P, "<p>Một cuộc kiểm tra khi có dấu hiệu vi phạm gồm ba bước: chuẩn bị (kế hoạch, quyết định, "
                        "đề cương), tiến hành (công bố quyết định, đối tượng giải trình, thẩm tra, xác minh, báo "
                        "cáo kết quả) và kết thúc (ủy ban kiểm tra xem xét, kết luận, thông báo và lưu hồ sơ).</p>"),
                    ("cite", "296-QĐ/TW", "", "", "Quy trình chi tiết theo quy định và hướng dẫn hiện hành."),
                    ("example", "Tình huống", "<p>Qua giám sát, ủy ban kiểm tra phát hiện đảng ủy xã X chậm khắc "
                                              "phục kiến nghị sau kiểm toán về đầu tư công. Hãy xác định đối tượng, "
                                              "nội dung và thời hạn kiểm tra.</p>"),
                ]),
                _lesson("Kết luận và xử lý sau kiểm tra", 20, [
                    (P, "<p>Kết luận phải rõ đúng, sai, mức độ, tính chất, nguyên nhân và trách nhiệm; kiến nghị "
                        "xử lý hoặc đề nghị thi hành kỷ luật khi vi phạm đến mức phải xử lý; theo dõi việc thực "
                        "hiện kết luận.</p>"),
                    ("cite", PROGRAM, "Mục III.2.2(2)",
                     "đảm bảo công minh, chính xác, kịp thời, không có “vùng cấm”, không có ngoại lệ", ""),
                ]),
            )),
        ),
    },
    # ------------------------------------------------------------------------------------------
    {
        "code": "KT-05",
        "title": "Giải quyết tố cáo và khiếu nại kỷ luật đảng",
        "slug": "to-cao-khieu-nai",
        "summary": "Tiếp nhận, phân loại và giải quyết tố cáo đối với tổ chức đảng, đảng viên; giải quyết khiếu "
                   "nại kỷ luật đảng đúng thẩm quyền, thời hạn.",
        "audience": "Ủy viên ủy ban kiểm tra và cán bộ cơ quan ủy ban kiểm tra được giao xử lý đơn thư.",
        "hours": "12", "mandatory": False, "validity": None, "due_days": 90, "positions": (),
        "prerequisites": ("KT-02",),
        "modules": (
            ("Giải quyết tố cáo", "", (
                _lesson("Tiếp nhận và phân loại đơn thư", 20, [
                    (P, "<p>Đơn thư được tiếp nhận, vào sổ, phân loại: tố cáo, khiếu nại, phản ánh, kiến nghị. Tố "
                        "cáo giấu tên, mạo tên, không rõ địa chỉ thì không giải quyết nhưng được nghiên cứu, sử dụng "
                        "làm thông tin phục vụ giám sát.</p>"),
                    ("tip", "Bảo vệ người tố cáo", "<p>Giữ bí mật họ tên, địa chỉ, bút tích của người tố cáo; không "
                                                   "chuyển đơn tố cáo cho tổ chức, cá nhân bị tố cáo.</p>"),
                ]),
                _lesson("Thẩm tra, xác minh và kết luận tố cáo", 25, [
                    (P, "<p>Khi giải quyết tố cáo phải làm việc với người tố cáo (nếu cần), với đối tượng bị tố cáo "
                        "để nghe giải trình, thu thập chứng cứ, kết luận từng nội dung tố cáo đúng, đúng một phần "
                        "hoặc sai, và xử lý người cố ý tố cáo sai sự thật.</p>"),
                    ("cite", PROGRAM, "Mục II.2(2)",
                     "các đơn thư khiếu nại, tố cáo được giải quyết đảm bảo quy định", ""),
                ]),
            )),
            ("Giải quyết khiếu nại kỷ luật đảng", "", (
                _lesson("Điều kiện và thẩm quyền giải quyết khiếu nại", 20, [
                    (P, "<p>Tổ chức đảng, đảng viên không đồng ý với quyết định kỷ luật có quyền khiếu nại lên cấp "
                        "trên trong thời hạn một tháng kể từ ngày nhận quyết định. Khiếu nại quá thời hạn, khiếu nại "
                        "khi quyết định đã được cấp có thẩm quyền cao nhất giải quyết, hoặc khiếu nại không qua cấp "
                        "đã ra quyết định thì không giải quyết.</p>"),
                    ("cite", "Điều lệ Đảng", "", "", "Quyền khiếu nại kỷ luật của tổ chức đảng và đảng viên."),
                ]),
                _lesson("Xem xét lại quyết định của cấp dưới", 15, [
                    ("cite", PROGRAM, "Mục III.2.4(2)",
                     "Xem xét quyết định giải quyết khiếu nại của ủy ban kiểm tra cấp dưới khi phát hiện có vi phạm "
                     "về nguyên tắc, quy trình, thủ tục, thẩm quyền.", ""),
                ]),
            )),
        ),
    },
    # ------------------------------------------------------------------------------------------
    {
        "code": "KT-06",
        "title": "Thi hành kỷ luật đảng: Quy định 69-QĐ/TW và Quy định 264-QĐ/TW",
        "slug": "thi-hanh-ky-luat",
        "summary": "Nguyên tắc, hình thức, thẩm quyền và thời hiệu kỷ luật; đồng bộ kỷ luật đảng với kỷ luật hành "
                   "chính, đoàn thể.",
        "audience": "Ủy viên ủy ban kiểm tra và cán bộ cơ quan ủy ban kiểm tra.",
        "hours": "8", "mandatory": False, "validity": None, "due_days": 90, "positions": (),
        "prerequisites": (),
        "modules": (
            ("Nguyên tắc và hình thức kỷ luật", "", (
                _lesson("Nguyên tắc xử lý kỷ luật", 25, [
                    ("cite", PROGRAM, "Mục III.2.2(2)",
                     "Khi xem xét, quyết định hình thức kỷ luật tổ chức đảng, đảng viên vi phạm, phải căn cứ vào "
                     "chức năng, nhiệm vụ, quyền hạn, nội dung, tính chất, mức độ, tác hại, hậu quả và nguyên nhân "
                     "vi phạm; các tình tiết tăng nặng hoặc giảm nhẹ", ""),
                    (P, "<p>Kỷ luật đảng nhằm giúp tổ chức đảng, đảng viên thấy được vi phạm để khắc phục, sửa chữa, "
                        "tiến bộ hơn; đồng thời bảo vệ, khuyến khích cán bộ dám nghĩ, dám làm, dám chịu trách nhiệm "
                        "vì lợi ích chung.</p>"),
                ]),
                _lesson("Hình thức kỷ luật và thời hiệu", 20, [
                    (P, "<p>Đảng viên chính thức: khiển trách, cảnh cáo, cách chức, khai trừ; đảng viên dự bị: khiển "
                        "trách, cảnh cáo. Tổ chức đảng: khiển trách, cảnh cáo, giải tán.</p><p>Thời hiệu xử lý kỷ "
                        "luật là 5 năm đối với vi phạm đến mức khiển trách và 10 năm đối với vi phạm đến mức cảnh "
                        "cáo hoặc cách chức; không áp dụng thời hiệu đối với vi phạm đến mức khai trừ.</p>"),
                    ("cite", "69-QĐ/TW", "", "",
                     "Đã được sửa đổi, bổ sung bởi Quy định 264-QĐ/TW: khi áp dụng phải đối chiếu nội dung sửa đổi."),
                    ("cite", "264-QĐ/TW", "", "", "Văn bản sửa đổi, bổ sung Quy định 69-QĐ/TW."),
                ]),
            )),
            ("Đồng bộ kỷ luật đảng và kỷ luật hành chính", "", (
                _lesson("Các mốc thời gian phải nhớ", 20, [
                    ("cite", PROGRAM, "Mục III.2.2(4)",
                     "Khi cơ quan có thẩm quyền ra quyết định giữ, bắt, khám xét khẩn cấp, khởi tố bị can hoặc bản án "
                     "có hiệu lực pháp luật đối với công dân là đảng viên thì chậm nhất 3 ngày, thủ trưởng cơ quan đó "
                     "có trách nhiệm thông báo bằng văn bản cho tổ chức đảng trực tiếp quản lý đảng viên đó", ""),
                    (P, "<p>Tổ chức nhà nước, đoàn thể khi đình chỉ công tác hoặc kỷ luật cán bộ là đảng viên phải "
                        "thông báo cho tổ chức đảng trong 5 ngày; tổ chức đảng phải xem xét, xử lý kỷ luật đảng chậm "
                        "nhất 30 ngày làm việc kể từ khi nhận thông báo; sau khi công bố quyết định kỷ luật đảng, "
                        "trong 30 ngày làm việc phải xem xét kỷ luật hành chính, đoàn thể cho đồng bộ.</p>"),
                ]),
            )),
        ),
    },
    # ------------------------------------------------------------------------------------------
    {
        "code": "KT-07",
        "title": "Kiểm tra tài chính đảng và kiểm soát kê khai tài sản, thu nhập",
        "slug": "tai-chinh-dang-ke-khai-tai-san",
        "summary": "Kiểm tra tài chính của cấp ủy cấp dưới và cơ quan tài chính cấp ủy cùng cấp; kiểm tra, giám sát "
                   "việc kê khai tài sản, thu nhập.",
        "audience": "Ủy viên ủy ban kiểm tra phụ trách tài chính đảng và cán bộ cơ quan ủy ban kiểm tra.",
        "hours": "12", "mandatory": False, "validity": None, "due_days": 90, "positions": (),
        "prerequisites": (),
        "modules": (
            ("Kiểm tra tài chính đảng", "", (
                _lesson("Đối tượng và nội dung kiểm tra tài chính", 25, [
                    (P, "<p>Ủy ban kiểm tra kiểm tra tài chính của cấp ủy cấp dưới và của cơ quan tài chính cấp ủy "
                        "cùng cấp: việc thu, nộp, quản lý và sử dụng đảng phí; quản lý, sử dụng ngân sách, tài sản "
                        "của cơ quan đảng; việc chấp hành chế độ kế toán, quyết toán.</p>"),
                    ("cite", PROGRAM, "Mục III.2.4(4)",
                     "tăng cường thực hiện kiểm tra tài chính đảng đối với văn phòng cấp ủy cùng cấp theo quy định",
                     ""),
                ]),
                _lesson("Thu, nộp và quản lý đảng phí", 15, [
                    (P, "<p>Kiểm tra sổ thu đảng phí của chi bộ, việc trích giữ lại và nộp lên cấp trên, đối chiếu "
                        "với danh sách đảng viên và thu nhập làm căn cứ tính đảng phí.</p>"),
                    ("tip", "Chọn mẫu", "<p>Với đảng bộ lớn, chọn mẫu một số chi bộ theo rủi ro (chậm nộp, biến "
                                        "động số đảng viên) thay vì kiểm tra dàn trải.</p>"),
                ]),
            )),
            ("Kiểm soát kê khai tài sản, thu nhập", "", (
                _lesson("Căn cứ pháp lý và nghĩa vụ kê khai", 20, [
                    ("cite", "36/2018/QH14", "", "", "Quy định nghĩa vụ kê khai, công khai tài sản, thu nhập."),
                    ("cite", "130/2020/NĐ-CP", "", "", "Quy định chi tiết về kiểm soát tài sản, thu nhập."),
                    (P, "<p>Ủy ban kiểm tra kiểm tra, giám sát việc kê khai tài sản, thu nhập của đảng viên thuộc diện "
                        "cấp ủy cùng cấp quản lý, gắn với kiểm tra việc thực hiện nhiệm vụ phòng, chống tham nhũng, "
                        "tiêu cực.</p>"),
                ]),
                _lesson("Dấu hiệu bất thường khi đối chiếu bản kê khai", 20, [
                    (P, "<p>So sánh bản kê khai qua các năm; chú ý tài sản tăng thêm không giải trình được nguồn gốc, "
                        "kê khai không đầy đủ, kê khai chậm. Những trường hợp này có thể là dấu hiệu vi phạm cần kiểm "
                        "tra.</p>"),
                    ("example", "Tình huống", "<p>Một đảng viên kê khai tài sản tăng thêm 3 tỷ đồng trong năm nhưng "
                                              "không giải trình nguồn gốc. Ủy ban kiểm tra cần làm gì?</p>"),
                ]),
            )),
        ),
    },
    # ------------------------------------------------------------------------------------------
    {
        "code": "KT-08",
        "title": "Đạo đức, lối sống và trách nhiệm nêu gương của cán bộ, đảng viên",
        "slug": "dao-duc-neu-guong",
        "summary": "Quy định 37-QĐ/TW, 101-QĐ/TW, 08-QĐi/TW, 109-QĐ/TW và 124-QĐ/TW: những điều đảng viên không được "
                   "làm, trách nhiệm nêu gương và giám sát việc rèn luyện đạo đức, lối sống.",
        "audience": "Toàn bộ cán bộ làm công tác kiểm tra, giám sát.",
        "hours": "8", "mandatory": True, "validity": 24, "due_days": 120, "positions": EVERYONE,
        "prerequisites": (),
        "modules": (
            ("Những điều đảng viên không được làm", "", (
                _lesson("Quy định 37-QĐ/TW", 20, [
                    ("cite", "37-QĐ/TW", "", "",
                     "Gồm 19 điều đảng viên không được làm, áp dụng với mọi đảng viên."),
                    (P, "<p>Quy định 37-QĐ/TW là căn cứ để đảng viên tự tu dưỡng, rèn luyện và là căn cứ để tổ chức "
                        "đảng kiểm tra, giám sát. Cán bộ kiểm tra trước hết phải gương mẫu thực hiện.</p>"),
                    ("cite", PROGRAM, "Mục III.2.3(3)",
                     "Quy định số 37-QĐ/TW ngày 25/10/2021 của Ban Chấp hành Trung ương về những điều đảng viên "
                     "không được làm", ""),
                ]),
            )),
            ("Trách nhiệm nêu gương", "", (
                _lesson("Quy định 101-QĐ/TW và 08-QĐi/TW", 20, [
                    ("cite", "101-QĐ/TW", "", "", "Trách nhiệm nêu gương của cán bộ, đảng viên, nhất là cán bộ lãnh "
                                                  "đạo chủ chốt các cấp."),
                    ("cite", "08-QĐi/TW", "", "", "Trách nhiệm nêu gương, trước hết của Ủy viên Bộ Chính trị, Ban Bí "
                                                  "thư, Ban Chấp hành Trung ương."),
                    (P, "<p>Nêu gương về tư tưởng chính trị, đạo đức, lối sống, ý thức tổ chức kỷ luật, tinh thần "
                        "trách nhiệm và trong quan hệ với Nhân dân. Người đứng đầu càng ở vị trí cao càng phải gương "
                        "mẫu.</p>"),
                ]),
                _lesson("Giám sát của Nhân dân và tự kiểm tra", 20, [
                    ("cite", "124-QĐ/TW", "", "",
                     "Mặt trận Tổ quốc, các đoàn thể và Nhân dân giám sát việc tu dưỡng, rèn luyện đạo đức, lối "
                     "sống."),
                    ("cite", "109-QĐ/TW", "", "", "Kiểm tra của tổ chức đảng đối với việc rèn luyện đạo đức, lối "
                                                  "sống."),
                    ("cite", PROGRAM, "Mục III.2.3(1)",
                     "Cấp ủy, người đứng đầu, cán bộ chủ chốt, cấp ủy viên và cán bộ thuộc diện cấp ủy quản lý phải "
                     "thường xuyên tự kiểm tra, tự phê bình và phê bình", ""),
                ]),
            )),
        ),
    },
    # ------------------------------------------------------------------------------------------
    {
        "code": "KT-09",
        "title": "Quy tắc ứng xử của cán bộ kiểm tra",
        "slug": "quy-tac-ung-xu-can-bo-kiem-tra",
        "summary": "Liêm khiết, công minh, chính trực, có bản lĩnh và dũng khí đấu tranh: chuẩn mực ứng xử khi làm "
                   "nhiệm vụ kiểm tra, giám sát.",
        "audience": "Toàn bộ cán bộ làm công tác kiểm tra, giám sát.",
        "hours": "4", "mandatory": True, "validity": 24, "due_days": 90, "positions": EVERYONE,
        "prerequisites": (),
        "modules": (
            ("Chuẩn mực của cán bộ kiểm tra", "", (
                _lesson("Phẩm chất người cán bộ kiểm tra", 15, [
                    ("cite", PROGRAM, "Mục III.4.2(1)",
                     "thực hiện nghiêm những điều đảng viên không được làm, không tham nhũng, tiêu cực, kiên quyết đấu "
                     "tranh chống tham nhũng tiêu cực; giỏi chuyên môn, nghiệp vụ, tận tụy, trách nhiệm", ""),
                    (P, "<p>Cán bộ kiểm tra làm việc thận trọng, công minh, khách quan; chỉ kết luận khi có đủ căn "
                        "cứ; không lợi dụng nhiệm vụ để gây khó khăn hoặc vụ lợi.</p>"),
                ]),
                _lesson("Ứng xử khi làm việc với đối tượng kiểm tra", 15, [
                    (P, "<ul><li>Không nhận quà, tiền, lợi ích dưới mọi hình thức từ đối tượng kiểm tra.</li>"
                        "<li>Không tiết lộ thông tin, tài liệu khi chưa được phép.</li>"
                        "<li>Báo cáo ngay khi có quan hệ gia đình hoặc lợi ích với đối tượng để được xem xét thay "
                        "đổi người thực hiện.</li><li>Tôn trọng, lắng nghe giải trình của đối tượng.</li></ul>"),
                    ("warning", "Xung đột lợi ích", "<p>Khi có xung đột lợi ích, phải báo cáo trước khi nhận nhiệm "
                                                    "vụ, không tự quyết định tiếp tục.</p>"),
                ]),
            )),
            ("Phòng, chống tiêu cực trong chính cơ quan kiểm tra", "", (
                _lesson("Tự kiểm tra trong cơ quan ủy ban kiểm tra", 15, [
                    ("cite", PROGRAM, "Mục III.4.2(2)",
                     "Các cấp ủy xây dựng quy tắc ứng xử của cán bộ kiểm tra để tăng cường quản lý, giáo dục, rèn "
                     "luyện cán bộ kiểm tra có đủ bản lĩnh, trình độ trong thực hiện nhiệm vụ được giao.", ""),
                    (P, "<p>Cơ quan ủy ban kiểm tra thực hiện các biện pháp phòng, chống tham nhũng, tiêu cực ngay "
                        "trong nội bộ: công khai quy trình, luân chuyển vị trí công tác, kiểm tra việc chấp hành quy "
                        "tắc ứng xử.</p>"),
                    ("cite", "23-KL/TW", "", "", "Luân chuyển cán bộ kiểm tra."),
                    ("cite", "35-KL/TW", "", "", "Vị trí, chức danh luân chuyển theo Kết luận 35 (nay được thay thế)."),
                ]),
            )),
        ),
    },
)
