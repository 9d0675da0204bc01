from django.urls import path

from peiyu.people.views import hours, me, volunteers, workforce

app_name = "people"
urlpatterns = [
    # Volunteers
    path("volunteers/", volunteers.volunteer_list, name="volunteer-list"),
    path("volunteers/new/", volunteers.volunteer_create, name="volunteer-create"),
    path("volunteers/<int:pk>/", volunteers.volunteer_detail, name="volunteer-detail"),
    path("volunteers/<int:pk>/edit/", volunteers.volunteer_edit, name="volunteer-edit"),
    path("volunteers/<int:pk>/reveal/", volunteers.volunteer_reveal, name="volunteer-reveal"),
    path("volunteers/<int:pk>/certificates/new/", volunteers.certificate_create, name="certificate-create"),
    path("volunteers/import/", volunteers.import_start, name="import-start"),
    path("volunteers/import/<str:kind>/template/", volunteers.import_template, name="import-template"),
    path("volunteers/import/<int:pk>/", volunteers.import_preview, name="import-preview"),
    # Service hours, activities with QR check-in, certificates
    path("hours/", hours.record_list, name="record-list"),
    path("hours/new/", hours.record_create, name="record-create"),
    path("hours/decide/", hours.record_decide_many, name="record-decide-many"),
    path("hours/<int:pk>/", hours.record_detail, name="record-detail"),
    path("activities/", hours.activity_list, name="activity-list"),
    path("activities/new/", hours.activity_create, name="activity-create"),
    path("activities/<int:pk>/", hours.activity_detail, name="activity-detail"),
    path("activities/<int:pk>/qr.svg", hours.activity_qr, name="activity-qr"),
    path("check/<str:token>/", hours.check, name="check"),
    path("certificates/", hours.certificate_list, name="certificate-list"),
    path("certificates/<int:pk>/", hours.certificate_detail, name="certificate-detail"),
    path("certificates/<int:pk>/pdf/", hours.certificate_pdf, name="certificate-pdf"),
    # A volunteer's own pages
    path("me/", me.me, name="me"),
    path("me/report/", me.report_hours, name="me-report"),
    path("me/certificates/request/", me.request_certificate, name="me-certificate-request"),
    # Social workers, the expert pool, legal advisers
    path("social-workers/", workforce.socialworker_list, name="socialworker-list"),
    path("social-workers/new/", workforce.socialworker_create, name="socialworker-create"),
    path("social-workers/communities/", workforce.community_counts, name="community-counts"),
    path("social-workers/<int:pk>/", workforce.socialworker_detail, name="socialworker-detail"),
    path("social-workers/<int:pk>/edit/", workforce.socialworker_edit, name="socialworker-edit"),
    path("social-workers/<int:pk>/reveal/", workforce.socialworker_reveal, name="socialworker-reveal"),
    path("social-workers/<int:pk>/trainings/new/", workforce.training_create, name="training-create"),
    path("experts/", workforce.expert_list, name="expert-list"),
    path("experts/new/", workforce.expert_create, name="expert-create"),
    path("experts/me/", workforce.expert_me, name="expert-me"),
    path("experts/<int:pk>/", workforce.expert_detail, name="expert-detail"),
    path("experts/<int:pk>/edit/", workforce.expert_edit, name="expert-edit"),
    path("experts/<int:pk>/affiliations/new/", workforce.affiliation_create, name="affiliation-create"),
    path("affiliations/<int:pk>/end/", workforce.affiliation_end, name="affiliation-end"),
    path("advisers/", workforce.adviser_list, name="adviser-list"),
    path("advisers/new/", workforce.adviser_create, name="adviser-create"),
    path("advisers/totals/", workforce.adviser_totals, name="adviser-totals"),
    path("advisers/<int:pk>/", workforce.adviser_detail, name="adviser-detail"),
    path("advisers/<int:pk>/edit/", workforce.adviser_edit, name="adviser-edit"),
    path("advisers/<int:pk>/assignments/new/", workforce.assignment_create, name="assignment-create"),
    path("assignments/<int:pk>/end/", workforce.assignment_end, name="assignment-end"),
    path("advisers/<int:pk>/work/new/", workforce.worklog_create, name="worklog-create"),
]
