"""Image uploads for every form that takes one (intake photos, mechanic photos): size
limit, then core.images re-encoding, with errors naming the form field."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from mechmatch.core.images import ImageRejected, reencode


def image_upload_clean(upload: UploadedFile, *, field: str, max_bytes: int, max_side: int) -> tuple[ContentFile, str]:
    """Returns the re-encoded file (named photo.jpg or photo.png) and its content type."""
    megabytes = max_bytes // (1024 * 1024)
    if upload.size is not None and upload.size > max_bytes:
        raise ValidationError(
            {
                field: _("%(name)s is larger than %(mb)s MB.")
                % {"name": (upload.name or _("An image"))[:60], "mb": megabytes}
            }
        )
    raw = upload.read(max_bytes + 1)
    if len(raw) > max_bytes:
        raise ValidationError({field: _("An image is larger than %(mb)s MB.") % {"mb": megabytes}})
    try:
        image = reencode(raw, max_side=max_side)
    except ImageRejected as exc:
        raise ValidationError({field: str(exc)}) from exc
    return ContentFile(image.data, name=f"photo.{image.extension}"), image.content_type
