"""Static file storages that work out each path's URL once per storage instance. base.html
names a dozen files on every page, and `url()` (the manifest's hashed name, quoting, joining)
cost about 30 µs each, every time, for an answer that changes only with the settings (Django
makes a new storage instance when STATIC_URL or STORAGES change) or a deploy (a new process)."""

from django.contrib.staticfiles.storage import StaticFilesStorage
from whitenoise.storage import CompressedManifestStaticFilesStorage


class RememberedUrls:
    def url(self, name, force=False):
        if force:
            return super().url(name, force)
        urls = self.__dict__.setdefault("_remembered_urls", {})
        try:
            return urls[name]
        except KeyError:
            url = urls[name] = super().url(name)
            return url


class StaticStorage(RememberedUrls, StaticFilesStorage):
    """Development and tests: files as they are."""


class ManifestStaticStorage(RememberedUrls, CompressedManifestStaticFilesStorage):
    """Production (STATIC_MANIFEST): hashed, compressed names from the manifest."""
