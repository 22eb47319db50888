from django.urls import path

from treatments import views

app_name = "treatments"

urlpatterns = [
    path("info/<slug:slug>/", views.page, name="page"),
]
