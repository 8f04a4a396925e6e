from django.urls import path, re_path

from occupations import views

app_name = "occupations"

urlpatterns = [
    path("", views.occupation_list, name="list"),
    re_path(r"^(?P<code>\d{2}-\d{4})/$", views.occupation_by_code, name="by-code"),
    path("<slug:slug>/", views.occupation_detail, name="detail"),
]
