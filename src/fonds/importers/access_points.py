"""Access points an archive's own description names (EAD `controlaccess`, a CSV `persons`
column, `origination`): persons become authority entries that records link to.

An entry made here has an id derived from the name (`person-` + a slug and a short hash), so
the same name from two files is one entry, and fonds' linker and `fonds authority` can later
fold it into a richer entry that names the same person.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

from fonds.authority import Entity, Variant, normalize
from fonds.record import PersonLink

_SLUG = re.compile(r"[^a-z0-9]+")


def entity_id(name: str, kind: str = "person") -> str:
    """A stable authority id for a name: `person-kennan-george-f-1a2b3c`."""
    folded = unicodedata.normalize("NFKD", normalize(name)).encode("ascii", "ignore").decode().lower()
    slug = _SLUG.sub("-", folded).strip("-")[:40] or "name"
    digest = hashlib.sha1(normalize(name).casefold().encode("utf-8")).hexdigest()[:6]
    return f"{kind}-{slug}-{digest}"


def person_entity(name: str, source: str, kind: str = "person") -> Entity:
    """An authority entry for a name as the archive's description prints it (`Kennan, George F.`).

    An inverted name (`Family, Given`) also gets its direct form as a variant."""
    name = normalize(name)
    variants: tuple[Variant, ...] = ()
    family = given = None
    if kind == "person" and name.count(",") >= 1:
        family, _, rest = name.partition(",")
        given = rest.split(",")[0].strip() or None
        if given and not re.search(r"\d", given):
            variants = (Variant(f"{given} {family.strip()}", "printed form", source),)
    return Entity(
        id=entity_id(name, kind),
        preferred=name,
        kind=kind,
        variants=variants,
        sources=(source,),
        family=family.strip() if family else None,
        given=given,
    )


def person_link(entity: Entity, role: str = "mentioned") -> PersonLink:
    """The record's link to an access-point entry (source `description`: the archive named it)."""
    return PersonLink(id=entity.id, name=entity.preferred, role=role, source="description", confidence=1.0)
