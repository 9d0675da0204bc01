from django.urls import path

from peiyu.portal import citizen, credit, feedback, incubators, minutes, needs, ratings, rounds, views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("directory/", views.directory, name="directory"),
    path("directory/<int:pk>/", views.disclosure, name="disclosure"),
    path("apply/filing/", views.apply_filing, name="apply-filing"),
    path("apply/status/", views.application_status, name="application-status"),
    path("volunteer/register/", views.volunteer_register, name="volunteer-register"),
    path("certificates/", views.certificate_lookup, name="certificate-lookup"),
    path("certificates/<str:number>/", views.certificate_verify, name="certificate-verify"),
    path("credit/", credit.credit_lists, name="credit-lists"),
    path("report/", citizen.report_new, name="citizen-report"),
    path("report/status/", citizen.report_status, name="citizen-report-status"),
    path("incubators/", incubators.incubator_list, name="incubator-list"),
    path("incubators/<int:pk>/", incubators.incubator_detail, name="incubator-detail"),
    path("incubators/<int:pk>/apply/", incubators.incubator_apply, name="incubator-apply"),
    path("incubators/<int:pk>/apply/done/", incubators.incubator_apply_done, name="incubator-apply-done"),
    path("rounds/", rounds.round_list, name="round-list"),
    path("rounds/<int:pk>/", rounds.round_detail, name="round-detail"),
    path("needs/new/", needs.need_new, name="need-new"),
    path("needs/new/done/", needs.need_done, name="need-done"),
    path("needs/status/", needs.need_status, name="need-status"),
    path("feedback/<str:token>/", feedback.feedback_form, name="feedback"),
    path("feedback/<str:token>/thanks/", feedback.feedback_thanks, name="feedback-thanks"),
    path("rate/<str:token>/", ratings.rate, name="rate"),
    path("rate/<str:token>/thanks/", ratings.rate_thanks, name="rate-thanks"),
    path("minutes/", minutes.minutes_list, name="minutes-list"),
    path("minutes/<int:pk>/", minutes.minutes_detail, name="minutes-detail"),
]
