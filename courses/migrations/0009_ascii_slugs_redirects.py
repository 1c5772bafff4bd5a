"""Curricula, courses, modules and lessons whose slug is not ASCII (percent-encoded Vietnamese in the
address bar: /v%E1%BB%8B-tr%C3%AD-...) get an ASCII slug from it ("vi-tri-..."), unique among their
siblings; their descendants' paths follow, their revisions carry the new slug (so publishing a draft
does not bring the old one back), and the old address answers a permanent redirect to the page."""

from django.db import migrations

COURSE_PAGE_MODELS = ("curriculumpage", "coursepage", "modulepage", "lessonpage")


def _site_root_paths(Site):
    return [(site.pk, site.root_page.url_path) for site in Site.objects.select_related("root_page")]


def _relative(url_path, roots):
    """(site id, path from the site's root) for a page's url_path, the deepest site root first."""
    for site_id, root in sorted(roots, key=lambda r: -len(r[1])):
        if url_path.startswith(root):
            return site_id, "/" + url_path[len(root):]
    return None, None


def ascii_slugs(apps, schema_editor):
    from lms.slugs import ascii_slug, is_ascii_slug

    Page = apps.get_model("wagtailcore", "Page")
    ContentType = apps.get_model("contenttypes", "ContentType")
    Revision = apps.get_model("wagtailcore", "Revision")
    Redirect = apps.get_model("wagtailredirects", "Redirect")
    Site = apps.get_model("wagtailcore", "Site")

    types = ContentType.objects.filter(app_label="courses", model__in=COURSE_PAGE_MODELS)
    candidates = list(Page.objects.filter(content_type__in=types).order_by("path").values_list("pk", "slug"))
    to_rename = [pk for pk, slug in candidates if not is_ascii_slug(slug)]
    if not to_rename:
        return
    # Every page whose address may change (the renamed ones and everything under them), before.
    before = {}
    for page in Page.objects.filter(pk__in=to_rename):
        before.update(Page.objects.filter(path__startswith=page.path).values_list("pk", "url_path"))

    for pk in to_rename:
        page = Page.objects.get(pk=pk)  # again: a renamed ancestor changed its url_path
        base = ascii_slug(page.slug) or ascii_slug(page.title) or f"trang-{page.pk}"
        siblings = set(Page.objects.filter(path__startswith=page.path[:-4], depth=page.depth)
                       .exclude(pk=page.pk).values_list("slug", flat=True))
        slug, n = base, 2
        while slug in siblings:
            slug, n = f"{base}-{n}", n + 1
        old_url_path = page.url_path
        new_url_path = old_url_path[: -len(page.slug) - 1] + slug + "/"
        for descendant in Page.objects.filter(path__startswith=page.path).exclude(pk=page.pk):
            descendant.url_path = new_url_path + descendant.url_path[len(old_url_path):]
            descendant.save(update_fields=["url_path"])
        page.slug, page.url_path = slug, new_url_path
        page.save(update_fields=["slug", "url_path"])

    page_type = ContentType.objects.get(app_label="wagtailcore", model="page")
    after = dict(Page.objects.filter(pk__in=before).values_list("pk", "url_path"))
    slugs = dict(Page.objects.filter(pk__in=before).values_list("pk", "slug"))
    roots = _site_root_paths(Site)
    for pk, old in before.items():
        new = after[pk]
        if new == old:
            continue
        for revision in Revision.objects.filter(base_content_type=page_type, object_id=str(pk)):
            content = dict(revision.content)
            content["url_path"], content["slug"] = new, slugs[pk]
            revision.content = content
            revision.save(update_fields=["content"])
        site_id, path = _relative(old, roots)
        if path is None:
            continue
        old_path = path.rstrip("/") or "/"  # as wagtail.contrib.redirects stores it: unicode, no trailing slash
        Redirect.objects.update_or_create(
            old_path=old_path, site_id=site_id,
            defaults={"redirect_page_id": pk, "redirect_link": "", "is_permanent": True},
        )


class Migration(migrations.Migration):

    dependencies = [
        ("courses", "0008_certificate_signer"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtailredirects", "0008_add_verbose_name_plural"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(ascii_slugs, migrations.RunPython.noop)]
