from django.urls import path

from . import views

app_name = "orgprofile"

urlpatterns = [
    path("", views.home, name="home"),
    path("office/", views.own_office, name="own-office"),
    path("offices/", views.office_list, name="office-list"),
    path("offices/import/", views.office_import, name="office-import"),
    path("offices/<str:code>/staff/", views.staff_manage, name="staff"),
    # Organisation profile (ลักษณะสำคัญขององค์การ)
    path("offices/<str:code>/profile/", views.profile_detail, name="profile"),
    path("offices/<str:code>/profile/print/", views.profile_print, name="profile-print"),
    path("offices/<str:code>/profile/carry-forward/", views.profile_carry, name="carry-forward"),
    path("offices/<str:code>/profile/images/", views.profile_image_upload_view, name="image-upload"),
    path("offices/<str:code>/profile/q/<int:number>/", views.profile_answer_edit, name="answer-edit"),
    path("offices/<str:code>/profile/q/<int:number>/revisions/", views.profile_revisions, name="revisions"),
    path(
        "offices/<str:code>/profile/q/<int:number>/revisions/<int:revision>/restore/",
        views.profile_revision_restore,
        name="revision-restore",
    ),
    path("profile/images/<uuid:pk>/", views.profile_image, name="image"),
    # The reporting calendar (admins).
    path("manage/windows/", views.window_manage, name="windows"),
    path("manage/windows/close/", views.window_close, name="window-close"),
    path("manage/windows/extend/", views.window_extension_add, name="window-extend"),
]
