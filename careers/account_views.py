"""Sign-up, log-in and log-out, the account page, and the pricing page with upgrade requests."""

from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.timezone import localtime
from django.views.decorators.http import require_http_methods, require_POST

from careers import plans, services
from careers.forms import (
    ChoosePasswordForm,
    LoginForm,
    SignupForm,
    SitePasswordChangeForm,
    SiteSetPasswordForm,
    UpgradeRequestForm,
)
from careers.models import PlanOffer, User
from careers.plan_history import account_plan
from careers.plans import decision_due, pricing_cards, viewer_plan
from careers.throttling import client_ip


def _safe_next(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


@require_http_methods(["GET", "POST"])
def signup(request):
    """Step one: an address. The answer is the same whether or not it has an account
    (careers.services.sign_up mails either a link or a note to the owner)."""
    if request.user.is_authenticated:
        return redirect("account")
    form = SignupForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        decision = services.sign_up(
            email=form.cleaned_data["email"],
            client_ip=client_ip(request),
            site_url=f"{request.scheme}://{request.get_host()}",
            next_url=_safe_next(request, ""),
        )
        if decision is not services.SignupDecision.CLIENT_AT_LIMIT:
            return redirect("signup_sent")
        form.add_error(
            None,
            "Too many sign-ups have come from your network in the last hour. "
            "Please try again later; a link we have already sent still works.",
        )
        status = 429
    else:
        status = 200
    return render(
        request,
        "registration/signup.html",
        {"form": form, "next": _safe_next(request, "")},
        status=status,
    )


def signup_sent(request):
    return render(request, "registration/signup_sent.html")


@require_http_methods(["GET", "POST"])
def signup_confirm(request, uidb64, token):
    """Step two, behind the mailed link: choose a password, and the account exists."""
    signup_request = services.signup_request_for_link(uidb64=uidb64, token=token)
    if signup_request is None:
        return render(request, "registration/signup_confirm.html", {"validlink": False})
    # Unsaved: the password rules compare the password with the address.
    form = ChoosePasswordForm(
        User(email=signup_request.email), request.POST if request.method == "POST" else None
    )
    if request.method == "POST" and form.is_valid():
        result = services.activate_signup(
            signup_request=signup_request, password=form.cleaned_data["password1"]
        )
        if result.outcome is services.ActivationOutcome.CREATED:
            login(request, result.user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, "Welcome! Your account is ready, on the Free plan.")
            return redirect(signup_request.next_url or reverse("account"))
        # Only the address's owner can get here (the link was mailed to it), so saying that
        # it has an account tells nobody else anything.
        messages.info(
            request,
            "This email address has an account already. Log in with its password, or reset "
            "the password if you have forgotten it.",
        )
        return redirect("login")
    context = {"validlink": True, "form": form, "email": signup_request.email}
    return render(request, "registration/signup_confirm.html", context)


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's change-password page, with the rules in the site's words."""

    form_class = SitePasswordChangeForm


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    redirect_authenticated_user = True


class PasswordResetView(auth_views.PasswordResetView):
    """Django's reset form, with a limit on how often it mails one address or serves one
    client (careers.services.admit_password_reset)."""

    email_template_name = "registration/password_reset_email.txt"

    def form_valid(self, form):
        decision = services.admit_password_reset(
            email=form.cleaned_data["email"], client_ip=client_ip(self.request)
        )
        if decision is services.ResetDecision.CLIENT_AT_LIMIT:
            form.add_error(
                None,
                "Too many reset requests have come from your network in the last hour. "
                "Please try again later; a link we have already sent still works.",
            )
            return self.render_to_response(self.get_context_data(form=form), status=429)
        if decision is services.ResetDecision.ADDRESS_AT_LIMIT:
            # The same answer as a mailed link, so the form never tells whether, or how often,
            # an address was used.
            return HttpResponseRedirect(self.get_success_url())
        return super().form_valid(form)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Django's choose-a-new-password step, which also logs the owner in.

    Anyone can lock an account with ten wrong passwords (docs/production.md). Whoever follows
    the emailed link can read the account's mail, so is its owner: logging them in here lets
    them in however the account is locked, and the login forgets the account's failures
    (AXES_RESET_ON_SUCCESS), so the lock is lifted too.
    """

    form_class = SiteSetPasswordForm
    post_reset_login = True
    # Two backends are configured (axes and Django's), so login() must be told which one.
    post_reset_login_backend = "django.contrib.auth.backends.ModelBackend"


@require_http_methods(["GET", "POST"])
def logout_view(request):
    """POST logs out (the session is deleted on the server); GET asks for confirmation."""
    if request.method == "POST":
        logout(request)
        messages.info(request, "You have logged out.")
        return redirect("home")
    if not request.user.is_authenticated:
        return redirect("home")
    return render(request, "registration/logout_confirm.html")


@login_required
def account(request):
    """The account: the plan now, since when and why, its history and the upgrade requests
    (careers.plan_history), each told as it was recorded."""
    user = request.user
    context = {
        "offer": PlanOffer.objects.filter(plan=user.plan).first(),
        "plan": account_plan(user),
        "decision_days": plans.DECISION_WORKING_DAYS,
    }
    return render(request, "careers/account.html", context)


def pricing(request):
    context = {
        "cards": pricing_cards(user=request.user),
        "plan": viewer_plan(request.user),
        "decision_days": plans.DECISION_WORKING_DAYS,
    }
    return render(request, "careers/pricing.html", context)


@require_POST
def request_upgrade(request):
    if not request.user.is_authenticated:
        messages.info(request, "Create a free account, or log in, to ask for an upgrade.")
        return redirect(f"{reverse('signup')}?next={reverse('pricing')}")
    form = UpgradeRequestForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose Basic or Premium to ask for an upgrade.")
        return redirect("pricing")
    try:
        result = services.request_upgrade(user=request.user, plan=form.cleaned_data["plan"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("pricing")
    plan = result.request.get_plan_display()
    if result.outcome is services.RequestOutcome.CREATED:
        due = date_format(decision_due(result.request.created_at), "l, F j")
        messages.success(
            request,
            f"Thank you. We have your request for {plan}. Our staff will decide by {due} "
            f"(within {plans.DECISION_WORKING_DAYS} working days) and email you.",
        )
    elif result.outcome is services.RequestOutcome.CHANGED:
        messages.success(
            request,
            f"Your pending request now asks for {plan} instead of {result.previous_plan.label}.",
        )
    else:
        messages.info(
            request,
            f"You asked for {plan} on {date_format(localtime(result.request.created_at))} already; "
            "the request is still with our staff.",
        )
    return redirect("account")


@login_required
@require_POST
def withdraw_upgrade(request):
    if services.withdraw_upgrade_request(user=request.user):
        messages.info(request, "Your upgrade request is withdrawn.")
    else:
        messages.info(request, "You have no pending upgrade request.")
    return redirect("account")
