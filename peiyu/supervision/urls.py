from django.urls import path

from peiyu.supervision.views import citizen, grades, inspection, onsite

app_name = "supervision"
urlpatterns = [
    # Annual inspection
    path("campaigns/", inspection.campaign_list, name="campaign-list"),
    path("campaigns/new/", inspection.campaign_create, name="campaign-create"),
    path("campaigns/<int:pk>/", inspection.campaign_detail, name="campaign-detail"),
    path("campaigns/<int:pk>/report/", inspection.report_edit, name="report-edit"),
    path("reports/<int:pk>/", inspection.report_detail, name="report-detail"),
    path("reports/<int:pk>/attachments/<int:attachment>/", inspection.attachment, name="attachment"),
    # Rules, proposals, sanctions, credit lists, standing
    path("proposals/", inspection.proposal_list, name="proposal-list"),
    path("proposals/<int:pk>/", inspection.proposal_detail, name="proposal-detail"),
    path("proposals/<int:pk>/document/", inspection.proposal_document, name="proposal-document"),
    path("sanctions/new/<int:organization>/", inspection.sanction_create, name="sanction-create"),
    path("lists/", inspection.listing_list, name="listing-list"),
    path("lists/<int:pk>/", inspection.listing_detail, name="listing-detail"),
    path("standing/<int:organization>/", inspection.standing, name="standing"),
    # On-site inspection and rectification
    path("visits/", onsite.visit_list, name="visit-list"),
    path("visits/new/", onsite.visit_create, name="visit-create"),
    path("visits/<int:pk>/", onsite.visit_detail, name="visit-detail"),
    path("visits/<int:pk>/notice/", onsite.notice_create, name="notice-create"),
    path("plans/", onsite.plan_list, name="plan-list"),
    path("plans/new/", onsite.plan_create, name="plan-create"),
    path("notices/<int:pk>/", onsite.notice_detail, name="notice-detail"),
    path("notices/<int:pk>/document/", onsite.notice_document, name="notice-document"),
    path("checklist/", onsite.checklist, name="checklist"),
    # Grade evaluation
    path("grades/", grades.round_list, name="round-list"),
    path("grades/new/", grades.round_create, name="round-create"),
    path("grades/<int:pk>/", grades.round_detail, name="round-detail"),
    path("grades/entries/<int:pk>/", grades.entry_detail, name="entry-detail"),
    path("grades/entries/<int:pk>/score/", grades.entry_score, name="entry-score"),
    path("grades/certificates/<int:pk>/", grades.grade_certificate, name="grade-certificate"),
    path("grades/indicators/", grades.indicator_sets, name="indicator-sets"),
    # Citizen reports
    path("citizen-reports/", citizen.report_list, name="citizenreport-list"),
    path("citizen-reports/<int:pk>/", citizen.report_detail, name="citizenreport-detail"),
    path("citizen-reports/photos/<int:pk>/", citizen.photo, name="citizenreport-photo"),
]
