from django.urls import path

from alerts import views

app_name = "alerts"

urlpatterns = [
    path("alerts/new/", views.new, name="new"),
    path("alerts/confirm/<str:token>/", views.confirm, name="confirm"),
    path("alerts/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("alerts/manage/<str:token>/", views.manage_by_link, name="manage_token"),
    # the candidate's own alerts (mounted before the candidates' me/ pages)
    path("me/alerts/", views.mine, name="manage"),
    path("me/alerts/profile/", views.mine_profile_alert, name="profile_alert"),
    path("me/alerts/<int:pk>/", views.mine_update, name="update"),
    path("me/alerts/<int:pk>/pause/", views.mine_pause, name="pause"),
    path("me/alerts/<int:pk>/resume/", views.mine_resume, name="resume"),
    path("me/alerts/<int:pk>/delete/", views.mine_delete, name="delete"),
]
