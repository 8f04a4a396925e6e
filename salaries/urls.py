from django.urls import path

from salaries import views

app_name = "salaries"

# Mounted at the site root. Occupation pages live under occupations/<slug>/ (occupations app);
# their salary extras live under salaries/<slug>/ so the two never compete for a path.
urlpatterns = [
    path("states/", views.state_list, name="state-list"),
    path("states/<str:abbr>/", views.state_detail, name="state"),
    path("states/<str:abbr>/occupations.csv", views.state_csv, name="state-csv"),
    path("salaries/<slug:slug>/compare/", views.compare, name="compare"),
    path("salaries/<slug:slug>/compare.csv", views.compare_csv, name="compare-csv"),
    path("salaries/<slug:slug>/states.csv", views.occupation_csv, name="occupation-csv"),
]
