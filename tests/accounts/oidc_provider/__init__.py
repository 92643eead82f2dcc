"""A tiny, separate Django project: a real OpenID Connect provider (django-oidc-provider) that
the SSO tests start in a second process on a free loopback port (see process.py)."""
