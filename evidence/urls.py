from django.urls import path

from . import views

app_name = "evidence"

urlpatterns = [
    path("offices/<str:code>/subitem/<str:number>/evidence/", views.report_page, name="report"),
    path("offices/<str:code>/subitem/<str:number>/evidence/panel/", views.report_panel, name="panel"),
    path("offices/<str:code>/subitem/<str:number>/evidence/upload/", views.upload, name="upload"),
    path("offices/<str:code>/subitem/<str:number>/evidence/link/", views.link_add, name="link"),
    path("offices/<str:code>/subitem/<str:number>/messages/", views.message_send, name="message-send"),
    path("offices/<str:code>/subitem/<str:number>/evidence/absent/", views.absence, name="absence"),
    path(
        "offices/<str:code>/subitem/<str:number>/evidence/reattach/<int:evidence_id>/",
        views.reattach,
        name="reattach",
    ),
    path("evidence/<int:evidence_id>/supersede/", views.supersede, name="supersede"),
    path("evidence/<int:evidence_id>/file/", views.download, name="download"),
]
