from django.urls import path

from peiyu.orgs import views

app_name = "orgs"
urlpatterns = [
    path("", views.organization_list, name="organization-list"),
    path("<int:pk>/", views.organization_detail, name="organization-detail"),
    path("<int:pk>/reveal/", views.organization_reveal, name="organization-reveal"),
    path("<int:pk>/change/", views.organization_change, name="organization-change"),
    path("<int:pk>/upgrade/", views.organization_upgrade, name="organization-upgrade"),
    path("<int:pk>/deregister/", views.organization_deregister, name="organization-deregister"),
    path("<int:pk>/revoke/", views.organization_revoke, name="organization-revoke"),
    path("applications/", views.application_list, name="application-list"),
    path("applications/new/<str:kind>/", views.application_create, name="application-create"),
    path("applications/<int:pk>/", views.application_detail, name="application-detail"),
    path("applications/<int:pk>/withdraw/", views.application_withdraw, name="application-withdraw"),
    path("applications/<int:pk>/resubmit/", views.application_resubmit, name="application-resubmit"),
    path("documents/<int:pk>/", views.document_download, name="document-download"),
    path(
        "documents/<int:pk>/attachment/",
        views.document_download,
        {"part": "attachment"},
        name="document-attachment",
    ),
    path("lists/<str:kind>/", views.list_entries, name="list-entries"),
    path("lists/fields/", views.list_entries, {"kind": "fields"}, name="list-fields"),
    path("import/", views.import_start, name="import-start"),
    path("import/template/", views.import_template, name="import-template"),
    path("import/<int:pk>/", views.import_preview, name="import-preview"),
]
