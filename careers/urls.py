from django.contrib import admin
from django.urls import include, path

from careers import views
from occupations import search

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("robots.txt", views.robots_txt, name="robots-txt"),
    path("search/", search.search_view, name="search"),
    path("occupations/", include("occupations.urls")),
    path("", include("salaries.urls")),
    path("", include("careers.account_urls")),
    path("admin/", admin.site.urls),
]

handler400 = "careers.views.bad_request"
handler404 = "careers.views.page_not_found"
handler500 = "careers.views.server_error"
