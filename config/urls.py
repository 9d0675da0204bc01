from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from peiyu.api.api import api

admin.site.site_header = "Peiyu"

urlpatterns = [
    path("", include("peiyu.portal.urls")),
    path("", include("peiyu.core.urls")),
    path("accounts/", include("peiyu.accounts.urls")),
    path("regions/", include("peiyu.regions.urls")),
    path("orgs/", include("peiyu.orgs.urls")),
    path("incubation/", include("peiyu.incubation.urls")),
    path("funding/", include("peiyu.funding.urls")),
    path("activities/", include("peiyu.activities.urls")),
    path("people/", include("peiyu.people.urls")),
    path("supervision/", include("peiyu.supervision.urls")),
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("django-admin/", admin.site.urls),
]
