from django.urls import path

from . import views

# Included at /api/.
api_patterns = [
    path("plans/<int:plan_id>/", views.plan_status, name="api_plan_status"),
]

# Included at /accounts/tokens/.
token_patterns = [
    path("", views.tokens, name="api_tokens"),
    path("<int:token_id>/revoke/", views.token_revoke, name="api_token_revoke"),
]
