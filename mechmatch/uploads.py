"""Image uploads for every form that takes one (intake photos, mechanic photos): size
limit, then core.images re-encoding, with errors naming the form field."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile

from mechmatch.core.images import ImageRejected, reencode


def image_upload_clean(upload: UploadedFile, *, field: str, max_bytes: int, max_side: int) -> tuple[ContentFile, str]:
    """Returns the re-encoded file (named photo.jpg or photo.png) and its content type."""
    megabytes = max_bytes // (1024 * 1024)
    if upload.size is not None and upload.size > max_bytes:
        raise ValidationError({field: f"{(upload.name or 'An image')[:60]} is larger than {megabytes} MB."})
    raw = upload.read(max_bytes + 1)
    if len(raw) > max_bytes:
        raise ValidationError({field: f"An image is larger than {megabytes} MB."})
    try:
        image = reencode(raw, max_side=max_side)
    except ImageRejected as exc:
        raise ValidationError({field: str(exc)}) from exc
    return ContentFile(image.data, name=f"photo.{image.extension}"), image.content_type
