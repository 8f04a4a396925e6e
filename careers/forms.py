from django import forms
from django.contrib.auth.forms import (
    AdminUserCreationForm,
    AuthenticationForm,
    SetPasswordMixin,
    UserChangeForm,
)

from careers.models import Plan, User


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


class ChoosePasswordForm(SetPasswordMixin, forms.Form):
    """The second step, behind the mailed link: the new account's password, checked by the
    site's password rules against the account's address too."""

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
