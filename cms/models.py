from urllib.parse import urlsplit

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.admin.panels import FieldPanel
from wagtail.blocks import StructBlockValidationError
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from cms import entry_points
from cms.rich_text import SAFE_RICH_TEXT_FEATURES


class UserManager(BaseUserManager):
    """E-mail is the login: officials remember their work address, not a user name."""

    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An e-mail address is required.")
        email = self.normalize_email(email).lower()
        user = self.model(email=email, **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        if not extra_fields["is_staff"] or not extra_fields["is_superuser"]:
            raise ValueError("A superuser must have is_staff and is_superuser set.")
        return self._create_user(email, password, **extra_fields)

    def get_by_natural_key(self, username):
        return self.get(**{f"{self.model.USERNAME_FIELD}__iexact": username})


class User(AbstractUser):
    username = None
    email = models.EmailField(_("e-mail address"), unique=True)
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    country = models.CharField(
        _("country"), max_length=2, blank=True, help_text=_("ISO 3166-1 alpha-2 code.")
    )
    # Accounts made by an administrator, a command or the demo loader are vouched for, so the
    # default is "confirmed now"; self-registration clears it until the person follows the
    # signed link e-mailed to them (cms/accounts.py). Unconfirmed accounts cannot sign in.
    email_verified_at = models.DateTimeField(
        _("e-mail address confirmed"),
        null=True,
        blank=True,
        default=timezone.now,
        help_text=_("Empty until the person follows the link sent when they registered."),
    )

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = []

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["email"]

    def __str__(self):
        return self.get_full_name() or self.email

    @property
    def email_verified(self) -> bool:
        return self.email_verified_at is not None

    def save(self, *args, **kwargs):
        self.email = self.email.lower()
        super().save(*args, **kwargs)


class ImportedContentMixin(models.Model):
    """Pages built from the shipped Markdown remember the hash of their source, so a
    re-import skips unchanged files and never overwrites an editor's later work."""

    summary = models.CharField(
        _("summary"),
        max_length=300,
        blank=True,
        help_text=_("One or two sentences for cards and search results."),
    )
    source_path = models.CharField(max_length=255, blank=True, editable=False)
    source_hash = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        abstract = True


class EntryPointLinkBlock(blocks.StructBlock):
    """A door's link: a page, a named site route (resolved in the reader's language) or an
    external http(s) address. Never free text: a typed URL is validated by URLBlock, so
    `javascript:` and other schemes cannot be stored."""

    label = blocks.CharBlock(max_length=80)
    page = blocks.PageChooserBlock(required=False)
    route = blocks.ChoiceBlock(
        choices=entry_points.route_choices, required=False, label=_("Site page")
    )
    url = blocks.URLBlock(required=False, max_length=300, label=_("External address"))

    class Meta:
        icon = "link"

    def clean(self, value):
        value = super().clean(value)
        chosen = [name for name in ("page", "route", "url") if value.get(name)]
        if len(chosen) != 1:
            raise StructBlockValidationError(
                block_errors={
                    "page": ValidationError(
                        _("Choose exactly one of a page, a site page or an external address.")
                    )
                }
            )
        return value

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context)
        context["href"] = link_href(value, _reader(parent_context))
        return context


def _reader(context):
    request = (context or {}).get("request")
    return getattr(request, "user", None)


def link_href(value, user=None) -> str:
    """Where a stored link points; "" for anything that is not a page, a known route or an
    http(s) address (older or hand-edited data is never trusted)."""
    if value.get("page"):
        return value["page"].localized.url or ""
    if value.get("route"):
        return entry_points.route_url(value["route"], user)
    url = (value.get("url") or "").strip()
    return url if urlsplit(url).scheme in ("http", "https") else ""


class EntryPointBlock(blocks.StructBlock):
    """One of the three doors on the home page (learn, explore, teach)."""

    audience = blocks.ChoiceBlock(
        choices=[
            ("learn", _("Learn")),
            ("explore", _("Explore")),
            ("teach", _("Teach")),
        ]
    )
    heading = blocks.CharBlock(max_length=80)
    text = blocks.TextBlock(max_length=400)
    links = blocks.ListBlock(EntryPointLinkBlock())

    class Meta:
        icon = "link"
        template = "cms/blocks/entry_point.html"

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context)
        choices = dict(self.child_blocks["audience"].field.choices)
        context["audience_label"] = choices.get(value["audience"], "")
        context["links"] = [
            {"label": link["label"], "href": href}
            for link in value["links"]
            if (href := link_href(link, _reader(parent_context)))
        ]
        return context


class HomePage(Page):
    """The site root: says what the platform is and sends each kind of user on their way."""

    intro = RichTextField(features=SAFE_RICH_TEXT_FEATURES, blank=True)
    entry_points = StreamField(
        [("entry_point", EntryPointBlock())], blank=True, max_num=6, use_json_field=True
    )

    content_panels = Page.content_panels + [
        FieldPanel("intro"),
        FieldPanel("entry_points"),
    ]
    search_fields = Page.search_fields + [index.SearchField("intro")]

    parent_page_types = ["wagtailcore.Page"]
    max_count = 1

    class Meta:
        verbose_name = _("home page")


@register_setting(icon="site")
class SiteFooter(BaseSiteSetting):
    """Editable footer text: the organisation behind a deployment differs per site."""

    about = models.TextField(_("about text"), blank=True, max_length=600)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)

    panels = [FieldPanel("about"), FieldPanel("contact_email")]

    class Meta:
        verbose_name = _("site footer")
