from django.urls import path

from . import request_views, views

section = "plans/<int:plan_id>/sections/<int:section_id>/"

urlpatterns = [
    path(f"{section}changes/", views.section_changes, name="section_changes"),
    path(f"{section}comments/", views.comments, name="comments"),
    path(
        "plans/<int:plan_id>/comments/<int:comment_id>/edit/",
        views.comment_edit,
        name="comment_edit",
    ),
    path(
        "plans/<int:plan_id>/comments/<int:comment_id>/delete/",
        views.comment_delete,
        name="comment_delete",
    ),
    path("mentions/", views.mention_suggestions, name="mention_suggestions"),
    path(
        "plans/<int:plan_id>/comments/<int:comment_id>/resolve/",
        views.comment_resolve,
        name="comment_resolve",
    ),
    path("plans/<int:plan_id>/signoffs/", views.signoffs, name="signoffs"),
    path(
        "plans/<int:plan_id>/signoffs/<int:slot_id>/assign/",
        views.signoff_assign,
        name="signoff_assign",
    ),
    path(
        "plans/<int:plan_id>/signoffs/<int:slot_id>/", views.signoff_decide, name="signoff_decide"
    ),
    path("plans/<int:plan_id>/signoffs/<int:slot_id>/sso/", views.signoff_sso, name="signoff_sso"),
    path("plans/<int:plan_id>/activity/", views.activity, name="plan_activity"),
    path(
        "plans/<int:plan_id>/review-requests/",
        request_views.review_requests,
        name="review_requests",
    ),
    path(
        "plans/<int:plan_id>/review-requests/<int:request_id>/cancel/",
        request_views.review_request_cancel,
        name="review_request_cancel",
    ),
]
