from django.urls import path

from . import views

urlpatterns = [
    path("offices/", views.office_list, name="office-list"),
    path("offices/import/", views.office_import, name="office-import"),
    path("office/staff/", views.staff_manage, name="staff-manage"),
    # Organisation profile (ลักษณะสำคัญขององค์การ)
    path("profile/", views.profile_home, name="profile-home"),
    path("profile/print/", views.profile_print_own, name="profile-print-own"),
    path("profile/images/<uuid:pk>/", views.profile_image, name="profile-image"),
    path("offices/<str:code>/profile/", views.profile_detail, name="profile-detail"),
    path("offices/<str:code>/profile/print/", views.profile_print, name="profile-print"),
    path("offices/<str:code>/profile/carry-forward/", views.profile_carry, name="profile-carry-forward"),
    path("offices/<str:code>/profile/images/", views.profile_image_upload_view, name="profile-image-upload"),
    path("offices/<str:code>/profile/q/<int:number>/", views.profile_answer_edit, name="profile-answer-edit"),
    path("offices/<str:code>/profile/q/<int:number>/revisions/", views.profile_revisions, name="profile-revisions"),
    path(
        "offices/<str:code>/profile/q/<int:number>/revisions/<int:revision>/restore/",
        views.profile_revision_restore,
        name="profile-revision-restore",
    ),
]
