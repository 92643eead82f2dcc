"""The time zones a person can choose: every IANA zone this Python knows, by name."""

import zoneinfo

TIME_ZONES = sorted(
    zone
    for zone in zoneinfo.available_timezones()
    # Legacy aliases ("US/Pacific", "EST5EDT", "Etc/GMT+3") only confuse the list.
    if "/" in zone and not zone.startswith(("Etc/", "SystemV/", "US/")) or zone == "UTC"
)
TIME_ZONE_CHOICES = [(zone, zone.replace("_", " ")) for zone in TIME_ZONES]
