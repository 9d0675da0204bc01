"""Peiyu settings: the only settings module. Every value that differs between machines comes from
the environment (see docs/configuration.md); the defaults give a working local installation."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from peiyu.lib import env

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

try:
    DEBUG = env.get_bool("PEIYU_DEBUG", False)
    SECRET_KEY = env.get_secret_key("PEIYU_SECRET_KEY", VAR_DIR / "secret_key")
    ALLOWED_HOSTS = env.get_list("PEIYU_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
    CSRF_TRUSTED_ORIGINS = env.get_list("PEIYU_CSRF_TRUSTED_ORIGINS", [])
    _database_url = env.parse_database_url(
        "DATABASE_URL", env.get_str("DATABASE_URL", "sqlite:///var/peiyu.sqlite3")
    )
    DATABASES = {"default": env.database_settings(_database_url, BASE_DIR)}
    EMAIL_HOST = env.get_str("PEIYU_EMAIL_HOST", "")
    EMAIL_PORT = env.get_int("PEIYU_EMAIL_PORT", 25, minimum=1)
    EMAIL_HOST_USER = env.get_str("PEIYU_EMAIL_USER", "")
    EMAIL_HOST_PASSWORD = env.get_str("PEIYU_EMAIL_PASSWORD", "")
    EMAIL_USE_TLS = env.get_bool("PEIYU_EMAIL_TLS", False)
    DEFAULT_FROM_EMAIL = env.get_str("PEIYU_EMAIL_FROM", "peiyu@localhost")
    SECURE_COOKIES = env.get_bool("PEIYU_SECURE_COOKIES", False)
    AUDIT_RETENTION_DAYS = env.get_int("PEIYU_AUDIT_RETENTION_DAYS", 365, minimum=180)
    STATIC_ROOT = Path(env.get_str("PEIYU_STATIC_ROOT", str(VAR_DIR / "static")))
    # Hashed file names need collectstatic; tests and `runserver` work from the source folders.
    STATIC_MANIFEST = env.get_bool("PEIYU_STATIC_MANIFEST", not DEBUG)
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
except env.SettingError as error:
    raise ImproperlyConfigured(f"Peiyu cannot start: {error}") from None

# Without a mail server configured, mail is written to the console (and so to the log).
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)

INSTALLED_APPS = [
    "peiyu.core",
    "peiyu.regions",
    "peiyu.accounts",
    "peiyu.orgs",
    "peiyu.people",
    "peiyu.supervision",
    "peiyu.incubation",
    "peiyu.funding",
    "peiyu.activities",
    "peiyu.portal",
    "peiyu.api",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "auditlog",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "ninja",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "auditlog.middleware.AuditlogMiddleware",
    "peiyu.core.middleware.NoStoreForAuthenticatedMiddleware",
    # Axes last, as its documentation asks: it turns a lock-out into the lock-out page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "peiyu.core.context_processors.workbench",
            ],
            "builtins": ["django.templatetags.i18n", "django.templatetags.static"],
        },
    }
]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:workbench"
LOGOUT_REDIRECT_URL = "portal:home"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "peiyu.accounts.validators.CharacterClassValidator"},
]

# Lock an account for 30 minutes after 5 failed logins (等保 2.0 login-failure handling).
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=30)
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
# Lock the account, not the address: a whole township office often shares one NAT address, and
# an IP lock-out would shut all of it out after five typos by one person.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_VERBOSE = False

# Sessions end after 30 idle minutes: every request pushes the expiry forward.
SESSION_COOKIE_AGE = 30 * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

OTP_TOTP_ISSUER = "Peiyu"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if STATIC_MANIFEST
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = not STATIC_MANIFEST
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "/media/"

TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}

AUDITLOG_LOGENTRY_MODEL = "core.AuditEntry"
# auditlog's own migrations create its LogEntry table even when it is swapped out; with the
# swap in place the app needs no tables at all, so it gets no migrations.
MIGRATION_MODULES = {"auditlog": None}
AUDITLOG_MASK_CALLABLE = "peiyu.lib.masking.mask_value"
AUDITLOG_STORE_JSON_CHANGES = True

NINJA_PAGINATION_MAX_PER_PAGE_SIZE = 100

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": "INFO"},
    "loggers": {"axes": {"level": "WARNING"}},
}
