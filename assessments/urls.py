from django.urls import path

from . import views

urlpatterns = [
    path("office/", views.office_home, name="office-home"),
    path("office/category/<int:number>/", views.category_page, name="category"),
    path("office/category/<int:number>/submit/", views.category_submit_view, name="category-submit"),
    path("office/subitem/<str:number>/", views.subitem_page, name="subitem"),
    path("office/subitem/<str:number>/submit/", views.subitem_submit_view, name="subitem-submit"),
    path("office/readiness/", views.readiness, name="readiness"),
    path("office/assignments/", views.assignments, name="assignments"),
    # The same pages, read-only, for reviewers and admins: any office by its code.
    path("offices/<str:code>/assessment/", views.office_home, name="office-assessment"),
    path("offices/<str:code>/category/<int:number>/", views.category_page, name="office-category"),
    path("offices/<str:code>/subitem/<str:number>/", views.subitem_page, name="office-subitem"),
    path("offices/<str:code>/readiness/", views.readiness, name="office-readiness"),
    path("review/", views.review_home, name="review-home"),
]
