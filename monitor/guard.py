"""Refuse entity declarations before any parser sees a body (RELIABILITY.md 14).

A body that declares an entity is refused whole: billion laughs, quadratic blowup, XXE by
file, by http or by parameter entity. The check must see `<!ENTITY` in every encoding a parser
could read the body in, not only as ASCII bytes: feedparser honours UTF-16 and UTF-32 (by byte
order mark or by sniffing), EBCDIC (by its signature), and whatever the XML declaration or the
HTTP charset names, including UTF-7 (`+ADw-` is `<`) and the ISO-2022 codecs (whose escape
sequences can split `<!ENTITY` into bytes that do not spell it). Each such encoding is decoded
and searched; for a UTF-8 body the check is two byte searches.
"""

from __future__ import annotations

import codecs
import re

_ASCII_DECL = b"<!ENTITY"
_DECLARED = re.compile(r"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._:-]+)["']""")
_CHARSET = re.compile(r"""charset\s*=\s*["']?([A-Za-z0-9._:-]+)""", re.IGNORECASE)
_EBCDIC = b"\x4c\x6f\xa7\x94"  # "<?xm" in EBCDIC
# ISO-2022 escape sequences and shifts, HZ's `~}`: decoded, they vanish from between two
# ASCII letters. Declared, such a codec is decoded like any other; undeclared, feedparser uses
# one only when chardet (not a dependency, but maybe installed) guesses it, which takes ESC,
# SO or SI bytes, or HZ's `~{`.
_SHIFTS = re.compile(rb"\x1b[()$*+][@-Z]|\x1b\$[()*+][@-Z]|[\x0e\x0f]|~[{}\n]")
_WIDE = ("utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be")
_PLAIN = {"utf-8", "ascii"}


class HostileFeed(ValueError):
    """The body declares XML entities (billion laughs, XXE): refused before any parser runs."""


def codec_name(name: str) -> str | None:
    """Python's canonical name of an encoding (`UTF8` -> `utf-8`), None if unknown."""
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def declared_encoding(head: str) -> str | None:
    """The encoding an XML declaration at the start of `head` names, as written."""
    m = _DECLARED.match(head.lstrip("\ufeff"))
    return m.group(1) if m else None


def http_charset(content_type: str | None) -> str | None:
    """The charset parameter of an HTTP Content-Type, as written."""
    m = _CHARSET.search(content_type or "")
    return m.group(1) if m else None


def encodings_to_check(data: bytes, content_type: str | None = None) -> set[str]:
    """Every encoding besides ASCII-compatible UTF-8 in which a parser might read `data`."""
    head = data[:1024]
    found: set[str] = set()
    if head.startswith(_EBCDIC):
        found.add("cp037")
        text = head.decode("cp037", "replace")
    elif head.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in head[:4]:
        found.update(_WIDE)
        text = ""
    else:
        text = head.removeprefix(b"\xef\xbb\xbf").decode("latin-1")
    names = [declared_encoding(text), http_charset(content_type)]
    for name in filter(None, names):
        codec = codec_name(name)
        if codec in ("utf-16", "utf-32"):
            found.update(_WIDE)
        elif codec is not None and codec not in _PLAIN:
            found.add(codec)
    return found


def refuse_entities(data: bytes, content_type: str | None = None) -> None:
    """Raise HostileFeed when the body declares an entity in any encoding it could be read in."""
    if _ASCII_DECL in data:
        raise HostileFeed("the feed declares XML entities")
    if (b"\x1b" in data or b"\x0e" in data or b"\x0f" in data or b"~{" in data) and \
            _ASCII_DECL in _SHIFTS.sub(b"", data):
        raise HostileFeed("the feed declares XML entities (hidden by shift sequences)")
    for codec in encodings_to_check(data, content_type):
        if "<!ENTITY" in data.decode(codec, "replace"):
            raise HostileFeed(f"the feed declares XML entities (in {codec})")
