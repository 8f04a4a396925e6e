from django import forms
from django.contrib.auth.forms import (
    AdminUserCreationForm,
    AuthenticationForm,
    BaseUserCreationForm,
    UserChangeForm,
)
from django.db import IntegrityError, transaction

from careers.models import Plan, User

EMAIL_TAKEN = forms.ValidationError(
    "An account with this email address already exists. "
    "Log in, or reset your password if you have forgotten it.",
    code="email_taken",
)


class EmailUniqueMixin:
    """Email addresses are stored lower-cased and must be unique whatever their case."""

    def clean_email(self):
        email = User.objects.normalize_email(self.cleaned_data["email"]).lower()
        taken = User.objects.filter(email__iexact=email)
        if self.instance.pk:
            taken = taken.exclude(pk=self.instance.pk)
        if taken.exists():
            raise EMAIL_TAKEN
        return email


class SignupForm(EmailUniqueMixin, BaseUserCreationForm):
    class Meta:
        model = User
        fields = ("email",)
        widgets = {"email": forms.EmailInput(attrs={"autocomplete": "email"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].help_text = "You will log in with it, and reset your password by it."
        self.fields["password1"].widget.attrs["autocomplete"] = "new-password"
        self.fields["password2"].widget.attrs["autocomplete"] = "new-password"
        self.fields["password2"].label = "Password again"

    def save(self, commit=True):
        """The new user, or None with a form error when the address was taken meanwhile."""
        try:
            with transaction.atomic():
                return super().save(commit)
        except IntegrityError:
            # Another request (a double click) created the account between clean_email() and
            # here; the unique constraint refused this one.
            self.add_error("email", EMAIL_TAKEN)
            return None


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
