from typing import Any

pytest_plugins = ["peiyu.testing"]


def pytest_configure(config: Any) -> None:
    from django.conf import settings

    # Tests serve static files from the source folders: no collectstatic, no manifest.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.WHITENOISE_USE_FINDERS = True
    # The live server answers each request in a new thread; persistent connections would
    # outlive those threads and keep the test database busy at teardown.
    settings.DATABASES["default"]["CONN_MAX_AGE"] = 0
