from django.contrib import admin
from django.urls import include, path

from decisionaid import views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("favicon.ico", views.favicon),
    path("", include("treatments.urls")),
    path("admin/", admin.site.urls),
]
