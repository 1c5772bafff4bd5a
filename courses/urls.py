from django.urls import path

from . import views

app_name = "courses"

urlpatterns = [
    path("", views.my_learning, name="my_learning"),
    path("search/", views.search, name="search"),
    path("catalogue/", views.catalogue, name="catalogue"),
    path("notices/", views.notices, name="notices"),
    path("notices/<int:pk>/read/", views.notice_read, name="notice_read"),
    path("notices/read-all/", views.notices_read_all, name="notices_read_all"),
    path("calendar/", views.calendar, name="calendar"),
    path("calendar/new-address/", views.calendar_regenerate, name="calendar_regenerate"),
    path("calendar/<str:token>.ics", views.calendar_feed_ics, name="calendar_feed"),
    path("assign/", views.assign, name="assign"),
    path("assign/preview/", views.assign_preview, name="assign_preview"),
    path("course/<int:page_id>/enrol/", views.enrol, name="enrol"),
    path("course/<int:page_id>/continue/", views.continue_course, name="continue"),
    path("lesson/<int:page_id>/done/", views.lesson_done, name="lesson_done"),
    path("lesson/<int:page_id>/activity/", views.lesson_activity, name="lesson_activity"),
    path("study/", views.study_list, name="study_list"),
    path("study/<int:pk>/", views.study_detail, name="study_detail"),
    path("study/<int:pk>/confirm/", views.study_confirm, name="study_confirm"),
    path("certificates/<int:pk>/pdf/", views.certificate_pdf, name="certificate_pdf"),
]
