from django.urls import path

from . import views

urlpatterns = [
    path("office/", views.office_home, name="office-home"),
    path("review/", views.review_home, name="review-home"),
]
