from django.urls import path

from .views import manage, office, review

urlpatterns = [
    path("office/", office.office_home, name="office-home"),
    path("office/category/<int:number>/", office.category_page, name="category"),
    path("office/category/<int:number>/submit/", office.category_submit_view, name="category-submit"),
    path("office/subitem/<str:number>/", office.subitem_page, name="subitem"),
    path("office/subitem/<str:number>/submit/", office.subitem_submit_view, name="subitem-submit"),
    path("office/readiness/", office.readiness, name="readiness"),
    path("office/assignments/", office.assignments, name="assignments"),
    # The same pages, read-only, for reviewers and admins: any office by its code.
    path("offices/<str:code>/assessment/", office.office_home, name="office-assessment"),
    path("offices/<str:code>/category/<int:number>/", office.category_page, name="office-category"),
    path("offices/<str:code>/subitem/<str:number>/", office.subitem_page, name="office-subitem"),
    path("offices/<str:code>/readiness/", office.readiness, name="office-readiness"),
    # Review.
    path("review/", review.review_home, name="review-home"),
    path("review/report/<int:report_id>/", review.review_report, name="review-report"),
    path("review/certify/", review.review_certify_many, name="review-certify-many"),
    path("conversation/<int:report_id>/send/", review.message_send, name="message-send"),
    # Admin.
    path("manage/windows/", manage.windows, name="windows"),
    path("manage/windows/close/", manage.window_close, name="window-close"),
    path("manage/windows/extend/", manage.window_extension_add, name="window-extend"),
    path("manage/audit/", manage.audit, name="audit"),
]
