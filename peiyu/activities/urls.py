from django.urls import path

from peiyu.activities.views import activities, deliberation, mediation, ratings

app_name = "activities"

urlpatterns = [
    # Activity records
    path("", activities.activity_list, name="activity-list"),
    path("new/", activities.activity_create, name="activity-create"),
    path("export.xlsx", activities.activity_export, name="activity-export"),
    path("<int:pk>/", activities.activity_detail, name="activity-detail"),
    path("<int:pk>/photos/", activities.activity_photo_add, name="activity-photo-add"),
    path("photos/<int:pk>/", activities.activity_photo, name="activity-photo"),
    path("<int:pk>/attendance/", activities.activity_attendance, name="activity-attendance"),
    path("<int:pk>/feedback-qr.svg", activities.activity_qr, name="activity-qr"),
    # People's mediation (人民调解)
    path("cases/", mediation.case_list, name="case-list"),
    path("cases/new/", mediation.case_create, name="case-create"),
    path("cases/figures/", mediation.case_figures, name="case-figures"),
    path("cases/export.xlsx", mediation.case_export, name="case-export"),
    path("cases/<int:pk>/", mediation.case_detail, name="case-detail"),
    path("cases/<int:pk>/start/", mediation.case_start, name="case-start"),
    path("cases/<int:pk>/session/", mediation.case_session, name="case-session"),
    path("cases/<int:pk>/agreement/", mediation.case_agreement, name="case-agreement"),
    path("cases/<int:pk>/fail/", mediation.case_fail, name="case-fail"),
    path("cases/<int:pk>/follow-up/", mediation.case_follow_up, name="case-follow-up"),
    path("cases/<int:pk>/confirmation/", mediation.case_confirmation, name="case-confirmation"),
    path("cases/<int:pk>/case-file.docx", mediation.case_file, name="case-file"),
    path("cases/<int:pk>/feedback-qr.svg", mediation.case_qr, name="case-qr"),
    path("mediators/", mediation.mediator_list, name="mediator-list"),
    path("mediators/new/", mediation.mediator_create, name="mediator-create"),
    path("mediators/<int:pk>/edit/", mediation.mediator_edit, name="mediator-edit"),
    # Deliberation (百姓议事堂 and councils)
    path("councils/", deliberation.council_list, name="council-list"),
    path("councils/new/", deliberation.council_create, name="council-create"),
    path("councils/<int:pk>/", deliberation.council_detail, name="council-detail"),
    path("councils/<int:pk>/members/", deliberation.member_add, name="member-add"),
    path("councils/<int:pk>/active/", deliberation.council_active, name="council-active"),
    path("members/<int:pk>/end/", deliberation.member_end, name="member-end"),
    path("councils/<int:pk>/meetings/new/", deliberation.meeting_create, name="meeting-create"),
    path("meetings/<int:pk>/", deliberation.meeting_detail, name="meeting-detail"),
    path("meetings/<int:pk>/record/", deliberation.meeting_record, name="meeting-record"),
    path("meetings/<int:pk>/decisions/", deliberation.decision_create, name="decision-create"),
    path("meetings/<int:pk>/publish/", deliberation.meeting_publish, name="meeting-publish"),
    path("meetings/<int:pk>/cancel/", deliberation.meeting_cancel, name="meeting-cancel"),
    path("decisions/", deliberation.decision_list, name="decision-list"),
    path("decisions/<int:pk>/follow/", deliberation.decision_follow, name="decision-follow"),
    # Satisfaction
    path("satisfaction/", ratings.satisfaction_report, name="satisfaction"),
]
