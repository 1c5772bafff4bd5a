"""Replace Wagtail's "Welcome to your new Wagtail site!" page with KTLearn's home page.

Written with historical models only, so it runs on a fresh database (SQLite or PostgreSQL)
whatever the current models look like. Forward is a no-op when a home page already exists;
reverse puts the stock Wagtail welcome page and default site back.
"""

from django.db import migrations
from django.utils import timezone

TITLE = "KTLearn — Bồi dưỡng cán bộ kiểm tra"
INTRO = (
    "Nền tảng đào tạo, bồi dưỡng chuyên môn, nghiệp vụ cho cán bộ làm công tác kiểm tra, "
    "giám sát của Đảng — liên thông từ tỉnh đến cơ sở."
)
BODY = """
<h2>Mục tiêu</h2>
<p>Thực hiện Kết luận số 34-KL/TW ngày 18/4/2022 của Bộ Chính trị về Chiến lược công tác kiểm tra,
giám sát của Đảng đến năm 2030, KTLearn giúp cấp ủy và ủy ban kiểm tra các cấp đạt và theo dõi hai
chỉ tiêu về đội ngũ cán bộ kiểm tra:</p>
<ul>
<li><b>Giai đoạn 2022 – 2025:</b> 100% cán bộ làm công tác kiểm tra, giám sát được đào tạo, bồi dưỡng
chuyên môn nghiệp vụ theo quy định của ngành.</li>
<li><b>Giai đoạn 2025 – 2030:</b> 100% cán bộ làm công tác kiểm tra đảm bảo tiêu chí, tiêu chuẩn,
khung năng lực theo quy định của ngành.</li>
</ul>
<h2>Mỗi người dùng được gì</h2>
<ul>
<li><b>Cán bộ kiểm tra</b> biết mình cần học gì và đến hạn nào; học trực tuyến, làm bài kiểm tra, nhận
chứng nhận và xem hồ sơ năng lực của mình so với khung năng lực của ngành.</li>
<li><b>Cán bộ mới được bầu</b> tham gia ủy ban kiểm tra các cấp được tập huấn, bồi dưỡng kịp thời; cán bộ
được luân chuyển về làm công tác kiểm tra được giao ngay chương trình phù hợp vị trí mới.</li>
<li><b>Giảng viên</b> biên soạn chương trình, bài giảng, ngân hàng câu hỏi, chú trọng phương pháp, kỹ năng
nghiệp vụ và thường xuyên cập nhật kiến thức mới; tổ chức các lớp tập huấn trực tiếp.</li>
<li><b>Ủy ban kiểm tra cấp dưới</b> quản lý danh sách cán bộ kiểm tra của đơn vị mình, giao nội dung bồi
dưỡng và theo dõi tiến độ.</li>
<li><b>Ban Tổ chức, Ủy ban Kiểm tra Tỉnh ủy</b> xem chỉ tiêu theo từng đơn vị, từng giai đoạn, biết rõ
những ai còn thiếu và đơn vị nào có nguy cơ không đạt.</li>
</ul>
<h2>Một cơ sở dữ liệu từ tỉnh đến cơ sở</h2>
<p>Kết quả học tập, bồi dưỡng, đánh giá năng lực và luân chuyển của cán bộ kiểm tra được lưu ở một nơi,
liên thông từ tỉnh đến cơ sở, phục vụ công tác lãnh đạo, chỉ đạo, thống kê, báo cáo và dự báo.</p>
<h2>Đội ngũ cán bộ kiểm tra công minh, liêm chính</h2>
<p>Xây dựng đội ngũ cán bộ kiểm tra liêm khiết, công minh, chính trực, có bản lĩnh, dũng khí đấu tranh,
giỏi chuyên môn, nghiệp vụ; đủ về số lượng, đủ phẩm chất, năng lực, uy tín ngang tầm nhiệm vụ.</p>
""".strip()

WAGTAIL_WELCOME_TITLE = "Welcome to your new Wagtail site!"
ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
STEPLEN = 4


def _step(number: int) -> str:
    digits = ""
    while number:
        number, rest = divmod(number, len(ALPHABET))
        digits = ALPHABET[rest] + digits
    return digits.rjust(STEPLEN, "0")


def _next_child_path(Page, alias, root) -> str:
    last = (
        Page.objects.using(alias)
        .filter(depth=root.depth + 1, path__startswith=root.path)
        .order_by("-path")
        .values_list("path", flat=True)
        .first()
    )
    position = int(last[-STEPLEN:], len(ALPHABET)) + 1 if last else 1
    return root.path + _step(position)


def _refresh_numchild(Page, alias, root):
    root.numchild = Page.objects.using(alias).filter(depth=root.depth + 1, path__startswith=root.path).count()
    root.save(update_fields=["numchild"])


def create_home_page(apps, schema_editor):
    alias = schema_editor.connection.alias
    ContentType = apps.get_model("contenttypes", "ContentType")
    Page = apps.get_model("wagtailcore", "Page")
    Site = apps.get_model("wagtailcore", "Site")
    HomePage = apps.get_model("cms", "HomePage")

    if HomePage.objects.using(alias).exists():
        return
    root = Page.objects.using(alias).filter(depth=1).order_by("path").first()
    if root is None:
        return

    # The stock welcome page (and, by cascade, the site pointing at it) goes; anything else stays.
    Page.objects.using(alias).filter(
        depth=2,
        numchild=0,
        path__startswith=root.path,
        slug="home",
        title=WAGTAIL_WELCOME_TITLE,
        content_type__app_label="wagtailcore",
        content_type__model="page",
    ).delete()

    slug = "home"
    if Page.objects.using(alias).filter(depth=2, path__startswith=root.path, slug=slug).exists():
        slug = "trang-chu"
    content_type, _ = ContentType.objects.using(alias).get_or_create(app_label="cms", model="homepage")
    now = timezone.now()
    home = HomePage.objects.using(alias).create(
        title=TITLE,
        draft_title=TITLE,
        slug=slug,
        content_type=content_type,
        path=_next_child_path(Page, alias, root),
        depth=2,
        numchild=0,
        url_path=f"{root.url_path}{slug}/",
        live=True,
        has_unpublished_changes=False,
        first_published_at=now,
        last_published_at=now,
        locale_id=root.locale_id,
        intro=INTRO,
        body=BODY,
    )
    _refresh_numchild(Page, alias, root)

    site = Site.objects.using(alias).filter(is_default_site=True).first()
    if site is None:
        site = Site.objects.using(alias).filter(hostname="localhost", port=80).first()
    if site is None:
        site = Site(hostname="localhost", port=80)
    site.root_page_id = home.pk
    site.is_default_site = True
    site.site_name = site.site_name or "KTLearn"
    site.save(using=alias)


def restore_wagtail_welcome_page(apps, schema_editor):
    alias = schema_editor.connection.alias
    ContentType = apps.get_model("contenttypes", "ContentType")
    Page = apps.get_model("wagtailcore", "Page")
    Site = apps.get_model("wagtailcore", "Site")
    HomePage = apps.get_model("cms", "HomePage")

    home = HomePage.objects.using(alias).order_by("path").first()
    if home is None:
        return
    path, url_path, locale_id = home.path, home.url_path, home.locale_id
    root = Page.objects.using(alias).get(depth=1, path=path[:STEPLEN])
    # The home page's subtree cannot outlive the page type it hangs from; sites pointing at it cascade.
    Page.objects.using(alias).filter(path__startswith=path).delete()
    content_type, _ = ContentType.objects.using(alias).get_or_create(app_label="wagtailcore", model="page")
    welcome = Page.objects.using(alias).create(
        title=WAGTAIL_WELCOME_TITLE,
        draft_title=WAGTAIL_WELCOME_TITLE,
        slug="home",
        content_type=content_type,
        path=path,
        depth=2,
        numchild=0,
        url_path=url_path,
        live=True,
        locale_id=locale_id,
    )
    _refresh_numchild(Page, alias, root)
    if not Site.objects.using(alias).filter(is_default_site=True).exists():
        Site.objects.using(alias).create(hostname="localhost", port=80, root_page_id=welcome.pk, is_default_site=True)


class Migration(migrations.Migration):
    dependencies = [
        ("cms", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(create_home_page, restore_wagtail_welcome_page)]
