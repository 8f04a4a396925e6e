app_name = "salaries"

urlpatterns: list = []
