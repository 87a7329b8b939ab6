from django.urls import path

from listings import (
    feeds,
    report_views,
    salary_views,
    search_views,
    stats_views,
    team_views,
    views,
)

app_name = "listings"

urlpatterns = [
    path("", views.home, name="home"),
    path("jobs/", search_views.search, name="search"),
    # before jobs/<slug>/, which "feed" would otherwise match
    path("jobs/feed/", feeds.ListingsFeed(), name="feed"),
    path("jobs/feed/atom/", feeds.ListingsAtomFeed(), name="feed-atom"),
    path("jobs/<slug:slug>/", views.listing_detail, name="detail"),
    path("jobs/<slug:slug>/report/", report_views.report, name="report"),
    path("jobs/<slug:slug>/apply/out/", stats_views.apply_out, name="apply-out"),
    path("companies/<slug:slug>/", views.company_detail, name="company"),
    path("salaries/", salary_views.salaries, name="salaries"),
    path("team/join/<str:token>/", team_views.join, name="team-join"),
]
