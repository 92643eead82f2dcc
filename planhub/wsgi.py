import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "planhub.settings")

application = get_wsgi_application()

if os.environ.get("PDF_WARM_UP", "1") != "0":
    from planhub.exports.pdf import warm_up

    warm_up()  # a server's first PDF export should not wait for WeasyPrint to load
