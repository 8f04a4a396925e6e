"""The addresses of the pages layer. careers/urls.py mounts them:
occupation_patterns at /occupations/ (namespace "occupations"), search_patterns at /search/
(namespace "search")."""

from django.urls import path, re_path

from careers.pages import views

occupation_patterns = (
    [
        path("", views.browse_index, name="list"),
        re_path(r"^groups/(?P<code>\d{2}-\d{4})/$", views.group_page, name="group"),
        re_path(r"^(?P<code>\d{2}-\d{4})/$", views.occupation_by_code, name="by-code"),
        path("<slug:slug>/", views.occupation_page, name="detail"),
    ],
    "occupations",
)

search_patterns = ([path("", views.search, name="results")], "search")
