from django.urls import path

from peiyu.core import views

app_name = "core"
urlpatterns = [
    path("workbench/", views.workbench, name="workbench"),
    path("audit/", views.audit_list, name="audit-list"),
    path("settings/", views.option_list, name="option-list"),
]
