from django.urls import path, re_path

from occupations import browse, views

app_name = "occupations"

urlpatterns = [
    path("", browse.browse_index, name="list"),
    re_path(r"^groups/(?P<code>\d{2}-\d{4})/$", browse.group_page, name="group"),
    re_path(r"^(?P<code>\d{2}-\d{4})/$", views.occupation_by_code, name="by-code"),
    path("<slug:slug>/", views.occupation_detail, name="detail"),
]
