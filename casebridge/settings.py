"""casebridge settings. Everything that differs between machines comes from the environment;
each variable is documented in the README ("Configuration")."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from casebridge.lib.env import database_from_url, env_bool, env_int, env_list, env_path, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = env_path("CASEBRIDGE_VAR_DIR", BASE_DIR / "var")

PRODUCTION = env_bool("CASEBRIDGE_PRODUCTION", False)
DEMO = env_bool("CASEBRIDGE_DEMO", False)
DEBUG = env_bool("CASEBRIDGE_DEBUG", False)
if PRODUCTION and DEMO:
    raise ImproperlyConfigured(
        "CASEBRIDGE_DEMO cannot be used with CASEBRIDGE_PRODUCTION: demo accounts print their secrets."
    )
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("CASEBRIDGE_DEBUG cannot be used with CASEBRIDGE_PRODUCTION.")

if PRODUCTION:
    SECRET_KEY = env_str("CASEBRIDGE_SECRET_KEY")
    if len(SECRET_KEY) < 50:
        raise ImproperlyConfigured("CASEBRIDGE_SECRET_KEY must be at least 50 characters.")
else:
    SECRET_KEY = env_str("CASEBRIDGE_SECRET_KEY", "insecure-development-key-" + "x" * 40)

ALLOWED_HOSTS = env_list("CASEBRIDGE_ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CASEBRIDGE_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "axes",
    "csp",
    "django_htmx",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_tasks",
    "django_tasks_db",
    "casebridge.accounts",
    "casebridge.agencies",
    "casebridge.audit",
    "casebridge.keys",
    "casebridge.people",
    "casebridge.cases",
    "casebridge.consents",
    "casebridge.notifications",
    "casebridge.prevalence",
    "casebridge.training",
    "casebridge.indicators",
    "casebridge.investigations",
    "casebridge.crisis",
    "casebridge.restoration",
    "casebridge.legal",
    "casebridge.api",
    "casebridge.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "casebridge.accounts.middleware.NoStoreMiddleware",
    "casebridge.audit.middleware.RequestContextMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "casebridge.accounts.middleware.SessionLimitsMiddleware",
    "casebridge.accounts.middleware.RequireMFAMiddleware",
    "casebridge.accounts.middleware.TimeZoneMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "casebridge.lib.middleware.HtmxErrorPageMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "casebridge.urls"
WSGI_APPLICATION = "casebridge.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "casebridge" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "casebridge.accounts.context_processors.navigation",
            ],
        },
    }
]

DATABASES = {
    "default": database_from_url(env_str("CASEBRIDGE_DATABASE_URL", f"sqlite:///{VAR_DIR / 'casebridge.sqlite3'}"))
}
# Every request runs in one transaction, so a read and its audit event commit together or not at all.
DATABASES["default"]["ATOMIC_REQUESTS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# One cache for every worker process: allauth's rate limits (sign-in, second-factor codes) must
# count across them, not once per process. Redis where configured, else a table in the database
# (created by a migration), so the embedded mode needs no other service.
REDIS_URL = env_str("CASEBRIDGE_REDIS_URL", "")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "casebridge_cache"}}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "cases:home"
LOGOUT_REDIRECT_URL = "account_login"

# Sessions: 30 minutes idle, 12 hours at most (enforced by SessionLimitsMiddleware).
SESSION_IDLE_TIMEOUT = timedelta(minutes=env_int("CASEBRIDGE_IDLE_MINUTES", 30, minimum=1))
SESSION_ABSOLUTE_TIMEOUT = timedelta(hours=env_int("CASEBRIDGE_SESSION_HOURS", 12, minimum=1))
SESSION_COOKIE_AGE = int(SESSION_ABSOLUTE_TIMEOUT.total_seconds())
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# django-allauth: sign-in by username, no self sign-up, TOTP required for everyone.
ACCOUNT_ADAPTER = "casebridge.accounts.adapters.AccountAdapter"
ACCOUNT_FORMS = {"login": "casebridge.accounts.forms.LoginForm"}
ACCOUNT_LOGIN_METHODS = {"username"}
ACCOUNT_SIGNUP_FIELDS = ["username*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = True
ACCOUNT_PREVENT_ENUMERATION = True
MFA_ADAPTER = "casebridge.accounts.adapters.MFAAdapter"
MFA_FORMS = {"authenticate": "casebridge.accounts.forms.MFAAuthenticateForm"}
# Recovery codes are left out: a lost phone is reset by an administrator, who checks who is asking.
MFA_SUPPORTED_TYPES = ["totp"]
MFA_TOTP_ISSUER = "casebridge"

# django-axes: lock a username from an address after repeated failures.
AXES_FAILURE_LIMIT = env_int("CASEBRIDGE_LOCKOUT_FAILURES", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("CASEBRIDGE_LOCKOUT_MINUTES", 30, minimum=1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_CALLABLE = "casebridge.accounts.lockout.username_for_lockout"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "account/locked_out.html"
AXES_VERBOSE = False

# API tokens end after this many days; a new one comes from `manage.py create_api_token`.
API_TOKEN_LIFETIME = timedelta(days=env_int("CASEBRIDGE_API_TOKEN_DAYS", 90, minimum=1, maximum=366))
# Emergency access is for an emergency: at most a day, whatever the configuration says.
BREAK_GLASS_DURATION = timedelta(hours=env_int("CASEBRIDGE_BREAK_GLASS_HOURS", 4, minimum=1, maximum=24))
BREAK_GLASS_PER_DAY = env_int("CASEBRIDGE_BREAK_GLASS_PER_DAY", 3, minimum=1, maximum=20)
# Contact requests about records elsewhere, per user per 24 hours (like emergency access).
CONTACT_REQUESTS_PER_DAY = env_int("CASEBRIDGE_CONTACT_REQUESTS_PER_DAY", 3, minimum=1, maximum=20)
# Checks at intake of the records a user may not see ("a record may exist elsewhere"), per user
# per 24 hours; past it, the check is not made (and the user is told so).
INTAKE_CHECKS_PER_DAY = env_int("CASEBRIDGE_INTAKE_CHECKS_PER_DAY", 30, minimum=1, maximum=500)

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("km", "ខ្មែរ"), ("vi", "Tiếng Việt")]
LOCALE_PATHS = [BASE_DIR / "casebridge" / "locale"]
LANGUAGE_COOKIE_NAME = "casebridge_language"
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = env_str("CASEBRIDGE_TIME_ZONE", "Asia/Phnom_Penh")
USE_I18N = True
USE_TZ = True
# Dates and times as each language writes them (casebridge/formats/<language>/formats.py).
FORMAT_MODULE_PATH = "casebridge.formats"

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "casebridge" / "static"]
# Outside production, serve static files straight from the apps (no collectstatic needed).
WHITENOISE_USE_FINDERS = not PRODUCTION
# collectstatic target, production only (elsewhere the finders serve; no empty directory to warn about).
STATIC_ROOT = env_path("CASEBRIDGE_STATIC_ROOT", VAR_DIR / "static") if PRODUCTION else None
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# Content Security Policy: nothing inline, nothing from elsewhere.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'none'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'none'"],
    }
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("CASEBRIDGE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("CASEBRIDGE_HSTS_SECONDS", 31536000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "casebridge.api.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # JSON only: the browsable API's forms would read objects a second time, outside the audit.
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "casebridge.api.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "casebridge.api.pagination.PageNumberPagination",
    "PAGE_SIZE": 25,
    "EXCEPTION_HANDLER": "casebridge.api.errors.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "casebridge API",
    "DESCRIPTION": "Cases, people, consents and the audit trail of casebridge. Every response is scoped "
    "to what the caller may see; anything else answers 404.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "casebridge.api.schema.add_error_responses",
    ],
    "ENUM_NAME_OVERRIDES": {
        "ProvinceEnum": "casebridge.lib.places.PROVINCE_CHOICES",
        "SectionEnum": "casebridge.cases.sections.Section",
        "ParticipantRoleEnum": "casebridge.cases.models.ParticipantRole",
        "MembershipRoleEnum": "casebridge.agencies.models.Role",
        "ContactRequestStatusEnum": "casebridge.cases.models.CONTACT_STATUSES",
        "CaseStatusEnum": "casebridge.cases.models.CaseStatus",
        "TrainingKindEnum": "casebridge.training.models.EventKind",
        "VisitKindEnum": "casebridge.prevalence.models.VisitKind",
        "OfficialRoleEnum": "casebridge.training.models.OfficialRole",
        "PlaceKindEnum": "casebridge.investigations.models.EstablishmentType",
        "PlaceStatusEnum": "casebridge.investigations.models.EstablishmentStatus",
        "IdentifierKindEnum": "casebridge.investigations.models.IdentifierKind",
        "LinkKindEnum": "casebridge.investigations.models.LinkKind",
        "EncounterSexEnum": "casebridge.investigations.models.Sex",
        "ParticipantSexEnum": "casebridge.training.models.Sex",
        "TraffickingStatusEnum": "casebridge.investigations.models.TraffickingStatus",
        "ScreeningOutcomeEnum": "casebridge.investigations.models.SCREENING_OUTCOMES",
        "NotVictimReasonEnum": "casebridge.investigations.models.NotVictimReason",
        "EpisodeOutcomeEnum": "casebridge.crisis.models.EpisodeOutcome",
        "StaffRoleEnum": "casebridge.crisis.models.StaffRole",
        "IncidentKindEnum": "casebridge.crisis.models.IncidentKind",
        "GapReasonEnum": "casebridge.crisis.coverage.GAP_REASONS",
        "CareItemKindEnum": "casebridge.crisis.models.CareItemKind",
        "GuardianDecisionEnum": "casebridge.crisis.models.GuardianDecision",
        "ConsentDecisionEnum": "casebridge.consents.models.Decision",
        "ReferralStateEnum": "casebridge.restoration.models.ReferralState",
        "ServiceEnum": "casebridge.agencies.models.Service",
        "CareDomainEnum": "casebridge.restoration.models.CareDomain",
        "GoalStatusEnum": "casebridge.restoration.models.GoalStatus",
        "MedicalKindEnum": "casebridge.restoration.models.MedicalKind",
        "MedicalTestEnum": "casebridge.restoration.models.MedicalTest",
        "SessionKindEnum": "casebridge.restoration.models.SessionKind",
        "EnrolmentKindEnum": "casebridge.restoration.models.EnrolmentKind",
        "EnrolmentStatusEnum": "casebridge.restoration.models.EnrolmentStatus",
        "CurrencyEnum": "casebridge.restoration.models.Currency",
        "ReintegrationStageEnum": "casebridge.restoration.models.Stage",
        "ProceedingStageEnum": "casebridge.legal.models.Stage",
        "ClosureEnum": "casebridge.legal.models.Closure",
        "PartyRoleEnum": "casebridge.legal.models.PartyRole",
        "HearingKindEnum": "casebridge.legal.models.HearingKind",
        "CustodyEnum": "casebridge.legal.models.Custody",
        "EvidenceKindEnum": "casebridge.legal.models.EvidenceKind",
        "LegalAppealResultEnum": "casebridge.legal.models.AppealResult",
        "VerdictEnum": "casebridge.legal.models.Verdict",
        "TestimonySessionKindEnum": "casebridge.legal.models.SessionKind",
        "MeasureEnum": "casebridge.legal.models.Measure",
    },
}

# Background work (notification e-mails): django-tasks, queued in the database in the same
# transaction as what caused it, run by `manage.py db_worker` (started with `make demo` and
# `make serve`; a service of its own in production, README "Operations").
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# How often the worker checks crisis-care rosters for gaps to alert (crisis.alerts), in seconds.
CRISIS_ALERT_SECONDS = env_int("CASEBRIDGE_CRISIS_ALERT_SECONDS", 300)
# Referrals: days a partner has to answer before the referral expires, days the sections shared
# stay readable at most, and how often the worker looks for expired ones (seconds).
REFERRAL_ANSWER_DAYS = env_int("CASEBRIDGE_REFERRAL_ANSWER_DAYS", 7, minimum=1, maximum=90)
REFERRAL_GRANT_DAYS = env_int("CASEBRIDGE_REFERRAL_GRANT_DAYS", 180, minimum=1, maximum=730)
REFERRAL_CHECK_SECONDS = env_int("CASEBRIDGE_REFERRAL_CHECK_SECONDS", 900)
# Hearings: how many hours ahead those who attend are reminded (checked with the referrals).
HEARING_REMINDER_HOURS = env_int("CASEBRIDGE_HEARING_REMINDER_HOURS", 24, minimum=1, maximum=168)
CARE_PLAN_REVIEW_DAYS = env_int("CASEBRIDGE_CARE_PLAN_REVIEW_DAYS", 90, minimum=7, maximum=366)
# Follow-up visits after she returns home, in months from her return: monthly for six months,
# then quarterly to two years.
_FOLLOW_UP = env_list("CASEBRIDGE_FOLLOW_UP_MONTHS", ["1", "2", "3", "4", "5", "6", "9", "12", "15", "18", "21", "24"])
if not _FOLLOW_UP or not all(m.isdigit() and 1 <= int(m) <= 60 for m in _FOLLOW_UP):
    raise ImproperlyConfigured("CASEBRIDGE_FOLLOW_UP_MONTHS must list months from 1 to 60, such as 1,2,3,6,12.")
REINTEGRATION_FOLLOW_UP_MONTHS = sorted({int(m) for m in _FOLLOW_UP})

# Where people reach this casebridge: links in e-mails.
SITE_URL = env_str("CASEBRIDGE_SITE_URL", "http://127.0.0.1:8000")

EMAIL_BACKEND = env_str("CASEBRIDGE_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("CASEBRIDGE_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("CASEBRIDGE_EMAIL_PORT", 25)
DEFAULT_FROM_EMAIL = env_str("CASEBRIDGE_EMAIL_FROM", "casebridge@localhost")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("CASEBRIDGE_LOG_LEVEL", "WARNING")},
}
