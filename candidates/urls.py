from django.urls import path

from candidates import views

app_name = "candidates"

urlpatterns = [
    path("me/", views.dashboard, name="dashboard"),
    path("me/profile/", views.profile_edit, name="profile_edit"),
    path("me/resume/", views.resume, name="resume"),
    path("me/resume/download/", views.resume_download, name="resume_download"),
    path("me/resume/delete/", views.resume_delete, name="resume_delete"),
    path("me/saved/", views.saved, name="saved"),
    path("me/saved/<slug:slug>/save/", views.save_posting, name="save"),
    path("me/saved/<slug:slug>/unsave/", views.unsave_posting, name="unsave"),
    path("me/apply/<slug:slug>/", views.apply, name="apply"),
    path("me/applications/", views.applications, name="applications"),
    path("me/applications/<int:pk>/", views.application_detail, name="application_detail"),
    path("me/applications/<int:pk>/resume/", views.application_resume, name="application_resume"),
    path("me/account/", views.account, name="account"),
    path("me/account/delete/", views.account_delete, name="account_delete"),
    path("resumes/candidates/<int:pk>/", views.profile_resume, name="profile_resume"),
]
