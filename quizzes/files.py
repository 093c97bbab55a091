"""Images that question files carry, kept as Wagtail images.

Moodle XML puts a text's files beside it (`<file name="diagram.png" path="/"
encoding="base64">`) and points at them as `@@PLUGINFILE@@/diagram.png`
(https://docs.moodle.org/en/Moodle_XML_format). Each image a question's text or general
feedback shows becomes a Wagtail image in the "Question images" collection, and the text points
at it with Wagtail's rich-text image embed. Images are found again by the SHA-1 of their bytes
(Wagtail's `file_hash`), so importing a file twice stores each image once. Export reads the
original bytes back, as uploaded.
"""

from __future__ import annotations

import hashlib
import io
import warnings
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from decimal import Decimal
from pathlib import PurePosixPath

from django.conf import settings
from django.core.files.images import ImageFile
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from PIL import Image as Pillow
from wagtail.images import get_image_model
from wagtail.images.models import AbstractImage
from wagtail.models import Collection
from wagtail.rich_text.rewriters import FIND_EMBED_TAG, extract_attrs

from quizzes.formats import ExportedFile

MAX_IMAGE_BYTES = 5 * 1024 * 1024
# Pillow's name for each format kept, and the extensions that may carry it: the formats every
# browser shows, as Wagtail's own upload accepts them (an SVG or a TIFF is refused).
IMAGE_FORMATS = {
    "PNG": (".png",),
    "JPEG": (".jpg", ".jpeg", ".jpe"),
    "GIF": (".gif",),
    "WEBP": (".webp",),
}
COLLECTION_NAME = "Question images"
# One of the formats wagtail.images registers (fullwidth, left, right; the project adds none):
# Moodle XML keeps no alignment worth carrying over.
EMBED_FORMAT = "fullwidth"

# The storage has no transaction: names of the files stored by `store_image` inside
# `discard_on_rollback`, checked on the way out.
_stored_files: ContextVar[list[str] | None] = ContextVar("stored_question_images", default=None)


def _identify(content: bytes) -> tuple[str, int]:
    """(Pillow's format name, pixel count); raises for bytes that are no image. `verify`
    checks the structure (PNG checksums, truncated data) without decoding the pixels."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", Pillow.DecompressionBombWarning)
        with Pillow.open(io.BytesIO(content)) as image:
            found = image.format or "", image.width * image.height
            image.verify()
    return found


def image_problem(content: bytes, name: str) -> str:
    """Why these bytes cannot be kept as a question image, or "" when they can: a whole
    sentence naming the image by `name` ("image 'diagram.png' is not a valid image..."), in the
    current language."""
    image = repr(name)
    if len(content) > MAX_IMAGE_BYTES:
        size = Decimal(f"{len(content) / (1024 * 1024):.1f}")
        # Translators: %(image)s is the image's file name, in quotes; MB is megabytes.
        return _("image %(image)s is %(size)s MB; an image may be at most %(limit)s MB") % {
            "image": image,
            "size": number_format(size, 1),
            "limit": MAX_IMAGE_BYTES // (1024 * 1024),
        }
    try:
        image_format, pixels = _identify(content)
    except Exception:  # broken bytes make Pillow raise many kinds (OSError, struct.error...)
        # Translators: %(image)s is the image's file name, in quotes.
        return _("image %(image)s is not a valid image (PNG, JPEG, GIF or WebP)") % {"image": image}
    if image_format not in IMAGE_FORMATS:
        # Translators: %(image)s is the image's file name, in quotes; %(format)s the name of
        # its format (TIFF, BMP...).
        return _("image %(image)s is a %(format)s image; only PNG, JPEG, GIF and WebP are kept") % {
            "image": image,
            "format": image_format,
        }
    # Wagtail's own limit on uploads: renditions of larger images would exhaust the memory.
    limit = getattr(settings, "WAGTAILIMAGES_MAX_IMAGE_PIXELS", 128_000_000)
    if pixels > limit:
        # Translators: %(image)s is the image's file name, in quotes.
        return _("image %(image)s has %(pixels)s pixels; an image may have at most %(limit)s") % {
            "image": image,
            "pixels": pixels,
            "limit": limit,
        }
    return ""


def _file_name(name: str, image_format: str) -> str:
    """The name to store under, with an extension that matches the content, as Wagtail's
    upload form requires (it refuses a .png that holds a JPEG)."""
    path = PurePosixPath(PurePosixPath(name).name or "image")
    extensions = IMAGE_FORMATS[image_format]
    return str(path) if path.suffix.lower() in extensions else path.stem + extensions[0]


def question_collection() -> Collection:
    root = Collection.get_first_root_node()
    found = root.get_children().filter(name=COLLECTION_NAME).first()
    return found or root.add_child(name=COLLECTION_NAME)


def store_image(content: bytes, name: str, title: str) -> tuple[AbstractImage, bool]:
    """(the Wagtail image with these bytes, whether it was created now): one already in the
    library with the same SHA-1 (Wagtail's `file_hash`), in any collection, or a new one in
    "Question images". Call with bytes `image_problem` accepted, inside the import's
    transaction and inside `discard_on_rollback`."""
    digest = hashlib.sha1(content, usedforsecurity=False).hexdigest()
    image_model = get_image_model()
    existing = image_model.objects.filter(file_hash=digest).order_by("pk").first()
    if existing is not None:
        return existing, False
    image_format, _pixels = _identify(content)
    image = image_model(
        title=(title or PurePosixPath(name).name)[:255],
        collection=question_collection(),
        file=ImageFile(io.BytesIO(content), name=_file_name(name, image_format)),
        file_size=len(content),
        file_hash=digest,
    )
    image.save()
    stored = _stored_files.get()
    if stored is not None:
        stored.append(image.file.name)
    return image, True


@contextmanager
def discard_on_rollback() -> Iterator[None]:
    """Delete, on the way out, the files of images stored inside the block whose rows did not
    survive: a dry run or a refused import rolls the database back, but not the storage. Wrap
    the whole transaction, so that its fate is known when the block ends."""
    stored: list[str] = []
    token = _stored_files.set(stored)
    try:
        yield
    finally:
        _stored_files.reset(token)
        if stored:
            image_model = get_image_model()
            kept = set(image_model.objects.filter(file__in=stored).values_list("file", flat=True))
            storage = image_model._meta.get_field("file").storage
            for name in stored:
                if name not in kept:
                    storage.delete(name)


def _attribute(value: str) -> str:
    """A double-quoted attribute value, escaped the way Wagtail's `extract_attrs` reads it
    back (it knows &amp; &lt; &gt; &quot;, not &#x27;)."""
    return (
        value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    )


def embed_html(image_id: int, alt: str) -> str:
    """Wagtail's rich-text form of an image (what its editor stores for the "image" feature)."""
    return (
        f'<embed embedtype="image" id="{image_id}" format="{EMBED_FORMAT}" '
        f'alt="{_attribute(alt)}"/>'
    )


def _image_embed(match) -> tuple[int, str] | None:
    """(image id, alt text) of an embed tag Wagtail's FIND_EMBED_TAG found, if an image's."""
    attributes = extract_attrs(match[1])
    if attributes.get("embedtype") != "image" or not attributes.get("id", "").isdigit():
        return None
    return int(attributes["id"]), attributes.get("alt", "")


def replace_image_embeds(html: str, replacement: Callable[[int, str], str]) -> str:
    """The HTML with each image embed replaced by replacement(image id, alt text)."""

    def swap(match):
        embed = _image_embed(match)
        return match[0] if embed is None else replacement(*embed)

    return FIND_EMBED_TAG.sub(swap, html)


def embedded_image_ids(*htmls: str) -> set[int]:
    embeds = (_image_embed(match) for html in htmls for match in FIND_EMBED_TAG.finditer(html))
    return {embed[0] for embed in embeds if embed is not None}


def image_embed_counts(htmls: Iterable[str]) -> tuple[int, int]:
    """(image embeds in these texts, those whose image is no longer in the library)."""
    embeds = [
        embed[0]
        for html in htmls
        for embed in map(_image_embed, FIND_EMBED_TAG.finditer(html))
        if embed is not None
    ]
    existing = set(
        get_image_model().objects.filter(pk__in=set(embeds)).values_list("pk", flat=True)
    )
    return len(embeds), sum(1 for pk in embeds if pk not in existing)


class ImageReader:
    """The images exported texts show, each read from the storage once however many
    questions show it."""

    def __init__(self):
        self._read: dict[int, ExportedFile | None] = {}

    def images_in(self, *htmls: str) -> dict[int, ExportedFile]:
        """Image id -> its file name and original bytes, for the embeds of these texts; an
        image deleted from the library (or whose file is gone) is absent."""
        wanted = embedded_image_ids(*htmls)
        unread = wanted - self._read.keys()
        if unread:
            self._read.update(dict.fromkeys(unread))
            for image in get_image_model().objects.filter(pk__in=unread):
                try:
                    with image.open_file() as handle:
                        content = handle.read()
                except OSError:
                    continue
                self._read[image.pk] = ExportedFile(PurePosixPath(image.file.name).name, content)
        return {pk: self._read[pk] for pk in wanted if self._read[pk] is not None}
