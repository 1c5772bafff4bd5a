from django.urls import path

from . import views

app_name = "assessments"

urlpatterns = [
    path("", views.quiz_list, name="quiz_list"),
    path("mine/", views.my_results, name="my_results"),
    path("marking/", views.marking_queue, name="marking_queue"),
    path("marking/<int:answer_id>/", views.essay_mark, name="essay_mark"),
    path("sitting/<int:pk>/", views.sitting_take, name="sitting_take"),
    path("sitting/<int:pk>/answer/", views.sitting_answer, name="sitting_answer"),
    path("sitting/<int:pk>/submit/", views.sitting_submit, name="sitting_submit"),
    path("sitting/<int:pk>/result/", views.sitting_result, name="sitting_result"),
    path("<slug:slug>/", views.quiz_detail, name="quiz_detail"),
    path("<slug:slug>/start/", views.quiz_start, name="quiz_start"),
    path("<slug:slug>/sittings/", views.quiz_sittings, name="quiz_sittings"),
]
