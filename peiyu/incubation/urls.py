from django.urls import path

from peiyu.incubation.views import incubators, intake, reports, residencies, subsidies, training

app_name = "incubation"
urlpatterns = [
    # Incubators, their staff, scoring form, growth rubric and calls for intake
    path("", incubators.incubator_list, name="incubator-list"),
    path("new/", incubators.incubator_create, name="incubator-create"),
    path("<int:pk>/", incubators.incubator_detail, name="incubator-detail"),
    path("<int:pk>/edit/", incubators.incubator_edit, name="incubator-edit"),
    path("<int:pk>/staff/", incubators.staff_edit, name="staff-edit"),
    path("<int:pk>/criteria/", incubators.criteria_edit, name="criteria-edit"),
    path("<int:pk>/dimensions/", incubators.dimensions_edit, name="dimensions-edit"),
    path("<int:pk>/calls/new/", incubators.call_create, name="call-create"),
    path("calls/<int:pk>/", incubators.call_detail, name="call-detail"),
    path("calls/<int:pk>/edit/", incubators.call_edit, name="call-edit"),
    path("calls/<int:pk>/status/", incubators.call_status, name="call-status"),
    path("calls/<int:pk>/report/", reports.cohort_report, name="cohort-report"),
    path("calls/<int:pk>/report.docx", reports.cohort_report_docx, name="cohort-report-docx"),
    path("calls/<int:pk>/report.xlsx", reports.cohort_report_xlsx, name="cohort-report-xlsx"),
    # Intake applications: review with the scoring form, decision
    path("intake/", intake.intake_list, name="intake-list"),
    path("intake/new/", intake.intake_create, name="intake-create"),
    path("intake/<int:pk>/", intake.intake_detail, name="intake-detail"),
    path("intake/<int:pk>/review/", intake.intake_review, name="intake-review"),
    path("intake/<int:pk>/decide/", intake.intake_decide, name="intake-decide"),
    # Residencies: services, growth assessment, extension, exit, graduation, agreement
    path("residents/", residencies.residency_list, name="residency-list"),
    path("residents/<int:pk>/", residencies.residency_detail, name="residency-detail"),
    path("residents/<int:pk>/agreement.docx", residencies.residency_agreement, name="residency-agreement"),
    path("residents/<int:pk>/services/new/", residencies.service_create, name="service-create"),
    path("residents/<int:pk>/assessments/new/", residencies.assessment_create, name="assessment-create"),
    path("residents/<int:pk>/growth.svg", residencies.growth_chart, name="growth-chart"),
    path("residents/<int:pk>/extend/", residencies.extension_request, name="extension-request"),
    path("extensions/<int:pk>/decide/", residencies.extension_decide, name="extension-decide"),
    path("residents/<int:pk>/exit/", residencies.residency_exit, name="residency-exit"),
    path("residents/<int:pk>/graduate/", residencies.residency_graduate, name="residency-graduate"),
    path(
        "residents/<int:pk>/graduate/withdraw/", residencies.graduation_withdraw, name="graduation-withdraw"
    ),
    # Training events with attendance sheets
    path("events/", training.event_list, name="event-list"),
    path("events/new/", training.event_create, name="event-create"),
    path("events/<int:pk>/", training.event_detail, name="event-detail"),
    path("events/<int:pk>/attendance/", training.event_attendance, name="event-attendance"),
    path("events/<int:pk>/sheet.docx", training.event_sheet, name="event-sheet"),
    # Subsidies: payment records with totals per year and incubator
    path("subsidies/", subsidies.subsidy_list, name="subsidy-list"),
    path("subsidies/export/", subsidies.subsidy_export, name="subsidy-export"),
    path("residents/<int:pk>/subsidies/new/", subsidies.subsidy_grant, name="subsidy-grant"),
    path("subsidies/<int:pk>/", subsidies.subsidy_detail, name="subsidy-detail"),
    path("subsidies/<int:pk>/pay/", subsidies.subsidy_pay, name="subsidy-pay"),
    path("subsidies/<int:pk>/cancel/", subsidies.subsidy_cancel, name="subsidy-cancel"),
]
