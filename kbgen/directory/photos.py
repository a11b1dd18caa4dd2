"""Mentor photos: a local image checked and published without what it carries, or an https URL
shown only where the site may contact its host.

A local photo is decoded whole with Pillow when the roster is read (a file that is not a
complete JPEG, PNG, GIF or WebP is refused, whatever its name says), and published as a new
image made from its pixels (:func:`write_photo`): at most :data:`SHOWN_PIXELS` a side, with no
EXIF (a phone's photo carries where it was taken), no text chunks and nothing after the image.
The bytes published are made from the bytes that were checked: a file swapped after the check
is refused, never copied.
"""

from __future__ import annotations

import hashlib
import io
import warnings
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path
from urllib.parse import urlsplit

from ..models import Mentor

#: Image formats a local photo may have (Pillow's names), with the format and suffix it is published in.
PHOTO_FORMATS = {"JPEG": ("JPEG", ".jpg"), "PNG": ("PNG", ".png"), "GIF": ("PNG", ".png"),
                 "WEBP": ("WEBP", ".webp")}
MAX_PHOTO_BYTES = 5 * 1024 * 1024
MAX_PHOTO_PIXELS = 6000 * 6000
#: The longest side of a published photo: pages show it at 120 px (240 on dense screens).
SHOWN_PIXELS = 480


class PhotoError(ValueError):
    """A local photo that cannot be published; the message says why and what to do."""


def check_photo_file(value: str, base: Path, protected: Mapping[str, Path] | None = None) -> tuple[Path, str, str]:
    """(the file, its suffix in the site, the sha256 of its bytes) for a local photo path.

    The path is relative to ``base`` (the project), stays inside it and out of the ``protected``
    folders (recordings, cache, site: name -> folder), has no link in it, and is a whole image
    by its content, at most :data:`MAX_PHOTO_BYTES` and :data:`MAX_PHOTO_PIXELS`. Raises
    :class:`PhotoError` saying why not.
    """
    from ..fsutil import project_file

    try:
        path = project_file(value, base, protected, "photo", "photos/ada.jpg", noun="image",
                            or_else=" or give an https:// URL")
    except ValueError as exc:
        raise PhotoError(f"{exc}") from None
    size = path.stat().st_size
    if size > MAX_PHOTO_BYTES:
        raise PhotoError(f"photo '{value}' is {size / 1024 / 1024:.1f} MB; a portrait needs far less: save it at "
                         f"most {MAX_PHOTO_BYTES // 1024 // 1024} MB (a 400x400 JPEG is about 50 KB)")
    data = path.read_bytes()
    kind = _decode(data, value).format
    return path, PHOTO_FORMATS[kind][1], hashlib.sha256(data).hexdigest()


def _decode(data: bytes, shown: str):
    """The whole image decoded (Pillow), or PhotoError: not an image, another format, too large, cut short."""
    from PIL import Image, UnidentifiedImageError

    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)  # an error, not a line on stderr
        try:
            image = Image.open(io.BytesIO(data))
            if image.width * image.height > MAX_PHOTO_PIXELS:
                raise PhotoError(f"photo '{shown}' is {image.width}x{image.height} pixels; save a smaller portrait "
                                 "(at most 6000x6000)")
            if image.format not in PHOTO_FORMATS:
                raise PhotoError(f"photo '{shown}' is a {image.format} image; save it as JPEG, PNG, GIF or WebP")
            image.load()  # every pixel: a file cut short fails here (verify() passes a cut JPEG)
        except PhotoError:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):  # refused before it is read
            raise PhotoError(f"photo '{shown}' has tens of millions of pixels; save a smaller portrait (at most "
                             "6000x6000)") from None
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
            raise PhotoError(f"photo '{shown}' is not a whole image file that can be read; save it again as "
                             "JPEG, PNG, GIF or WebP") from None
    return image


def write_photo(source: str | Path, digest: str, target: Path) -> None:
    """Publish the photo at ``source`` as ``target``: a new image from its pixels, nothing else.

    ``digest`` is the sha256 (or its start) the roster check saw; a file changed since is refused.
    """
    from PIL import ImageOps

    data = Path(source).read_bytes()
    if not digest or not hashlib.sha256(data).hexdigest().startswith(digest):
        raise PhotoError(f"photo '{source}' changed while kbgen was building; build again")
    image = _decode(data, str(source))
    fmt = PHOTO_FORMATS[image.format][0]
    image = ImageOps.exif_transpose(image)  # shown as taken, then the orientation tag goes with the rest
    if fmt == "JPEG":
        image = image.convert("RGB")
    elif image.mode not in ("RGB", "RGBA", "L", "LA"):
        image = image.convert("RGBA")
    image.thumbnail((SHOWN_PIXELS, SHOWN_PIXELS))
    out = io.BytesIO()
    # No exif=, no pnginfo=: Pillow writes neither unless given; optimize keeps the files small.
    image.save(out, format=fmt, **({"quality": 85, "optimize": True} if fmt == "JPEG" else {"optimize": True}
                                   if fmt == "PNG" else {"quality": 85}))
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(out.getvalue())


def photo_allowed(url: str, allowed_hosts: Sequence[str]) -> bool:
    """Whether a mentor's https photo may load: its host is in kbgen.yml's ``allowed_hosts``.

    Any other host would be contacted by every visitor's browser (the intranet rule,
    :mod:`kbgen.site.privacy`), so such a photo is left out and the page shows the initials.
    """
    from ..site.privacy import Allowed

    try:
        host = (urlsplit(url).hostname or "").lower()
    except ValueError:
        return False
    return url.startswith("https://") and bool(host) and Allowed(allowed_hosts)(host)


def photo_note(mentors: Sequence[Mentor], allowed_hosts: Sequence[str]) -> str | None:
    """One line saying how many photos are left out (their host is not allowed) and how to show them."""
    hosts = Counter((urlsplit(m.photo).hostname or "?") for m in mentors
                    if m.photo and not m.photo_file and not photo_allowed(m.photo, allowed_hosts))
    if not hosts:
        return None
    left = sum(hosts.values())
    with_photo = sum(1 for m in mentors if m.photo)
    top = ", ".join(f"{h} ({n})" for h, n in sorted(hosts.items(), key=lambda x: (-x[1], x[0]))[:3])
    more = f" and {len(hosts) - 3} more hosts" if len(hosts) > 3 else ""
    return (f"{left} of {with_photo} mentor photos are on other hosts ({top}{more}) and are not shown; their "
            "pages show initials. To show them, save each photo in the project and give its path in the roster "
            "(photo: photos/ada.jpg), or add the hosts to allowed_hosts in kbgen.yml (every visitor's browser "
            "then contacts them).")


__all__ = ["MAX_PHOTO_BYTES", "PHOTO_FORMATS", "PhotoError", "check_photo_file", "photo_allowed", "photo_note",
           "write_photo"]
