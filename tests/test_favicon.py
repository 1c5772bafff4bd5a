"""The site's icon: linked from every page and answering /favicon.ico (no 404 in the server logs)."""

from django.contrib.staticfiles import finders
from django.templatetags.static import static
from PIL import Image


def test_favicon_ico_does_not_404_and_leads_to_the_icon(client, db):
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"] == static("img/favicon.ico")
    with Image.open(finders.find("img/favicon.ico")) as icon:
        assert icon.format == "ICO" and (32, 32) in icon.info["sizes"]


def test_every_page_links_the_icon(client, db):
    html = client.get("/accounts/login/").content.decode()
    assert f'<link rel="icon" href="{static("img/favicon.svg")}" type="image/svg+xml">' in html
    assert f'href="{static("img/favicon.ico")}"' in html
    assert "<svg" in open(finders.find("img/favicon.svg"), encoding="utf-8").read()
