"""Meeting URLs. The paths are a contract (DESIGN.md): keep them stable."""

from django.urls import path, re_path

from .views import attendance, feeds, participation, public, reports, topics, visitors

urlpatterns = [
    path("meetings/", public.meeting_list, name="meeting_list"),
    path("meetings/calendar.ics", feeds.meeting_calendar, name="meeting_calendar"),
    path("meetings/<int:pk>/", public.meeting_detail, name="meeting_detail"),
    path("meetings/<int:pk>/meeting.ics", feeds.meeting_ics, name="meeting_ics"),
    path("meetings/<int:pk>/agenda.pdf", feeds.meeting_agenda_pdf, name="meeting_agenda_pdf"),
    path("meetings/papers/<int:pk>/", public.paper_download, name="paper_download"),
    # Taking part and closing the loop (meetings/views/participation.py).
    path("you-said-we-did/", participation.you_said_we_did, name="you_said_we_did"),
    path("meetings/<int:pk>/register/", participation.register, name="meeting_register"),
    path("meetings/items/<int:pk>/views/", participation.send_views, name="send_views"),
    path("my/views/", participation.my_views, name="my_views"),
    path("meetings/items/<int:pk>/visitor-views/", visitors.visitor_views_new, name="visitor_views"),
    path("meetings/views/confirm/<str:token>/", visitors.visitor_views_confirm, name="visitor_views_confirm"),
    # Staff's side of taking part (meetings/views/attendance.py).
    path("meetings/<int:pk>/attendance/", attendance.attendance, name="meeting_attendance"),
    path("meetings/<int:pk>/attendance/walk-in/", attendance.walk_in, name="meeting_walk_in"),
    path("meetings/<int:pk>/attendance/import/", attendance.attendance_upload, name="meeting_attendance_import"),
    path("meetings/<int:pk>/sign-in-sheet.csv", attendance.sign_in_sheet_csv, name="meeting_sign_in_sheet"),
    path("meetings/items/<int:pk>/views/record/", attendance.record_views, name="record_views"),
    path("meetings/items/<int:pk>/response/", attendance.record_response, name="record_response"),
    # The year review (meetings/views/reports.py and meetings/year_review/).
    path("reports/", reports.report_index, name="report_index"),
    path("reports/year-review/<slug:slug>/<int:year>/", reports.year_review, name="year_review"),
    # "<year>.csv" and "<year>/.csv" both work: DESIGN.md says "same + .csv".
    re_path(
        r"^reports/year-review/(?P<slug>[-\w]+)/(?P<year>[0-9]{4})/?\.(?P<fmt>csv|xlsx|pdf)$",
        reports.year_review,
        name="year_review_file",
    ),
    # Topics people propose and the forward plan (meetings/views/topics.py).
    path("p/<slug:slug>/topics/", topics.topic_list, name="topic_list"),
    path("p/<slug:slug>/topics/new/", topics.topic_new, name="topic_new"),
    path("p/<slug:slug>/topics/<int:pk>/", topics.topic_detail, name="topic_detail"),
    path("p/<slug:slug>/topics/<int:pk>/support/", topics.topic_support, name="topic_support"),
    path("p/<slug:slug>/forward-plan/", topics.forward_plan, name="forward_plan"),
]
