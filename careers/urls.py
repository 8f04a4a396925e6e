"""The site's URLs: the one module that may import every layer (docs/architecture.md)."""

from django.contrib import admin
from django.urls import include, path

from careers import views
from careers.pages import about
from careers.pages import views as pages
from careers.pages.urls import occupation_patterns, search_patterns

urlpatterns = [
    path("", pages.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("robots.txt", views.robots_txt, name="robots-txt"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("about/data/", about.about_data, name="about-data"),
    path("search/", include(search_patterns)),
    path("occupations/", include(occupation_patterns)),
    path("", include("salaries.urls")),
    path("", include("careers.account_urls")),
    path("admin/", admin.site.urls),
]

handler400 = "careers.views.bad_request"
handler404 = "careers.views.page_not_found"
handler500 = "careers.views.server_error"
