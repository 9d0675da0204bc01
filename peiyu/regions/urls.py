from django.urls import path

from peiyu.regions import views

app_name = "regions"
urlpatterns = [
    path("", views.region_list, name="region-list"),
    path("<str:code>/", views.region_detail, name="region-detail"),
    path("<str:code>/edit/", views.region_edit, name="region-edit"),
]
