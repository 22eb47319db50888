from django.urls import path

from treatments import views

app_name = "treatments"

urlpatterns = [
    path("info/<slug:slug>/", views.page, name="page"),
    path("sources/", views.sources, name="sources"),
    path("glossary/", views.glossary, name="glossary"),
]
