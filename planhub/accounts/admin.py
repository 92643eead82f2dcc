from django.contrib import admin

from .forms import ThrottledAdminAuthenticationForm
from .models import LoginFailure, Profile

# The admin's log-in is throttled by the authentication backend like every other; this form
# only makes it say so.
admin.site.login_form = ThrottledAdminAuthenticationForm


@admin.register(LoginFailure)
class LoginFailureAdmin(admin.ModelAdmin):
    list_display = ["username", "ip", "created_at"]
    search_fields = ["username", "ip"]


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "display_name", "time_zone"]
    search_fields = ["user__username", "display_name"]
    raw_id_fields = ["user"]
