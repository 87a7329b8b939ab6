from django.urls import path

from listings import search_views, views

app_name = "listings"

urlpatterns = [
    path("", views.home, name="home"),
    path("jobs/", search_views.search, name="search"),
]
