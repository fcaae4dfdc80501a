"""Messages that django-allauth shows our users, listed so that our Khmer and Vietnamese
catalogues carry translations for them (allauth ships neither language)."""

from django.utils.translation import gettext_noop

ALLAUTH_MESSAGES = [
    gettext_noop("The username and/or password you specified are not correct."),
    gettext_noop("Incorrect code."),
    gettext_noop("This field is required."),
    gettext_noop("Too many failed login attempts. Try again later."),
    gettext_noop("This account is inactive."),
]
