from django.conf import settings
from django.contrib.auth import views as auth_views
from django.urls import include, path, re_path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.admin.auth import require_admin_access
from wagtail.documents import urls as wagtaildocs_urls
from wagtail.urls import serve_pattern

from cms import routing
from courses import views as courses_views
from organization import account_views, oidc

from . import private_files, views
from .rest.api import api as rest_api
from .site_history import SiteHistoryView

urlpatterns = [
    path("favicon.ico", views.favicon, name="favicon"),
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", rest_api.urls),
    # Ahead of Wagtail's admin so that the site history's exports go through lms.spreadsheets.
    # Also scoped there: which entries each user reads (lms.audit.visible_log_entries), on the page and
    # on its results URL (what the filters fetch).
    path("admin/reports/site-history/", require_admin_access(SiteHistoryView.as_view())),
    path("admin/reports/site-history/results/", require_admin_access(SiteHistoryView.as_view(results_only=True))),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("accounts/login/", account_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/oidc/", include(oidc.urlpatterns)),
    path("accounts/2fa/", account_views.two_factor_verify, name="two_factor_verify"),
    path("accounts/2fa/enrol/", account_views.two_factor_enrol, name="two_factor_enrol"),
    path("accounts/password/", account_views.PasswordChangeView.as_view(), name="password_change"),
    path("accounts/password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("accounts/password/reset/", account_views.PasswordResetView.as_view(), name="password_reset"),
    path("accounts/password/reset/done/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path("accounts/password/reset/<uidb64>/<token>/", account_views.PasswordResetConfirmView.as_view(),
         name="password_reset_confirm"),
    path("accounts/password/reset/complete/", auth_views.PasswordResetCompleteView.as_view(),
         name="password_reset_complete"),
    path("files/<str:label>/<int:pk>/<str:field>/", private_files.private_file_view, name="private_file"),
    path("org/rotations/", include("rotation.urls")),
    path("org/", include(("courses.team_urls", "team"))),
    path("org/", include("organization.urls")),
    path("board/", include("competency.urls")),
    path("board/", include("targets.urls")),
    path("learn/", include("courses.urls")),
    path("verify/<str:code>/", courses_views.verify, name="verify"),
    path("quiz/", include("assessments.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# Wagtail's page serving comes last: it catches every other path. Pages are found in one query
# (cms.routing.serve, ahead of Wagtail's own pattern, which stays for reverse("wagtail_serve")).
urlpatterns += [re_path(serve_pattern, routing.serve, name="ktlearn_serve"), path("", include(wagtail_urls))]
