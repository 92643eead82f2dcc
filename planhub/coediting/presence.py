"""How a person appears in a draft: the name and colours of their cursor (y-codemirror.next)."""

COLORS = ["#30bced", "#6eeb83", "#ffbc42", "#ee6352", "#9ac2c9", "#8acb88", "#1be7ff", "#e84855"]


def user_info(user) -> dict:
    color = COLORS[user.pk % len(COLORS)]
    name = user.get_full_name() or user.get_username()
    return {"id": user.pk, "name": name, "color": color, "colorLight": color + "33"}
