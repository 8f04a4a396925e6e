import os

from django.core.wsgi import get_wsgi_application

from careers.dbsetup import provide_database_url

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "careers.settings")
# Before settings are read: DATABASE_URL, or the embedded PostgreSQL started for it.
provide_database_url()

application = get_wsgi_application()
