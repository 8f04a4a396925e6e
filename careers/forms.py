from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import (
    AdminUserCreationForm,
    AuthenticationForm,
    PasswordChangeForm,
    SetPasswordForm,
    SetPasswordMixin,
    UserChangeForm,
)
from django.utils.html import format_html, format_html_join

from careers.models import Plan, User


def _rule(validator) -> str:
    """One password rule in the site's words; Django's own for a validator we do not know."""
    if isinstance(validator, password_validation.MinimumLengthValidator):
        return f"At least {validator.min_length} characters long."
    if isinstance(validator, password_validation.UserAttributeSimilarityValidator):
        return "Not too close to your email address."
    if isinstance(validator, password_validation.CommonPasswordValidator):
        return "Not one of the thousands of passwords people use most often."
    if isinstance(validator, password_validation.NumericPasswordValidator):
        return "Not made of digits alone: add a letter or a sign."
    return validator.get_help_text()


def password_rules() -> list[str]:
    """The rules of the validators settings.AUTH_PASSWORD_VALIDATORS configures, in order: the
    validators decide, this only says what they check, so the two cannot drift apart."""
    return [_rule(validator) for validator in password_validation.get_default_password_validators()]


def password_rules_html():
    rules = format_html_join("", "<li>{}</li>", ((rule,) for rule in password_rules()))
    return format_html('Your password must be:<ul class="password-rules">{}</ul>', rules)


class SiteRulesMixin:
    """Shows the password rules in the site's words under the new-password field."""

    rules_field = "new_password1"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[self.rules_field].help_text = password_rules_html()
        second = self.rules_field[:-1] + "2"
        if second in self.fields:
            self.fields[second].help_text = "Type the same password again, to be sure of it."


class EmailUniqueMixin:
    """Email addresses are stored lower-cased and must be unique whatever their case."""

    def clean_email(self):
        email = User.objects.normalize_email(self.cleaned_data["email"]).lower()
        taken = User.objects.filter(email__iexact=email)
        if self.instance.pk:
            taken = taken.exclude(pk=self.instance.pk)
        if taken.exists():
            raise forms.ValidationError(
                "An account with this email address already exists. "
                "Log in, or reset your password if you have forgotten it.",
                code="email_taken",
            )
        return email


class SignupForm(forms.Form):
    """The first step of signing up: an address, and nothing that says whether it is taken
    (careers.services.sign_up answers alike either way)."""

    email = forms.EmailField(
        label="Email address",
        max_length=User._meta.get_field("email").max_length,
        help_text="We will email you a link; you choose your password there.",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    def clean_email(self):
        return User.objects.normalize_email(self.cleaned_data["email"]).lower()


class ChoosePasswordForm(SiteRulesMixin, SetPasswordMixin, forms.Form):
    """The second step, behind the mailed link: the new account's password, checked by the
    site's password rules against the account's address too."""

    rules_field = "password1"
    password1, password2 = SetPasswordMixin.create_password_fields(
        label1="Password", label2="Password again"
    )

    def __init__(self, user, *args, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean(self):
        self.validate_passwords()
        self.validate_password_for_user(self.user)
        return super().clean()


class SitePasswordChangeForm(SiteRulesMixin, PasswordChangeForm):
    """Django's change-password form, with the rules in the site's words."""


class SiteSetPasswordForm(SiteRulesMixin, SetPasswordForm):
    """Django's choose-a-new-password form (after a reset link), with the rules in the site's
    words."""


class LoginForm(AuthenticationForm):
    """Django's login form, asking for the email address by its name."""

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields["username"].label = "Email address"
        self.fields["username"].widget.input_type = "email"
        self.fields["username"].widget.attrs["autocomplete"] = "email"
        self.error_messages["invalid_login"] = (
            "That email address and password do not match an account. "
            "Note that the password is case-sensitive."
        )


class UpgradeRequestForm(forms.Form):
    plan = forms.ChoiceField(
        choices=[(plan.value, plan.label) for plan in (Plan.BASIC, Plan.PREMIUM)]
    )


class AdminUserAddForm(EmailUniqueMixin, AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email", "plan")


class AdminUserChangeForm(EmailUniqueMixin, UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"
