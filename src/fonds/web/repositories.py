"""The repository authority on the web: staff edit and merge repositories (repository_edits.py),
and a search filtered by a repository's retired name (a former name, a merged repository's)
redirects to the name it goes by now, so old browse and facet links keep working.

- /staff/repositories (.json): every repository of the archive (shipped and the archive's own).
- /staff/repositories/ID: the edit form (name, code, place, other forms) and the merge form; POST
  (editor) `action=edit|merge`. A merged id answers 301 to the repository it was merged into.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlencode

from fastapi import Request
from fastapi.responses import RedirectResponse

from fonds.authority import Entity
from fonds.errors import FondsError
from fonds.repositories import RETIRED, Repositories, code_of
from fonds.repository_edits import edit_repository, entry, merge_repositories
from fonds.web.pages import Archive, filter_href
from fonds.web.sessions import form_view
from fonds.web.staff import StaffPage, agent, posted, see_other, sessions, staff_user


def repository_href(entity_id: str) -> str:
    return f"/staff/repositories/{quote(entity_id, safe=':')}"


def retired_filter_redirect(request: Request, archive: Archive) -> RedirectResponse | None:
    """A 301 to the same search with each repository filter that names a retired repository name
    replaced by the name it goes by now; None when there is nothing to redirect (no look-up at all
    without a repository filter)."""
    items = request.query_params.multi_items()
    if not any(k == "filter" and v.startswith("repository:") for k, v in items):
        return None
    # Built once per state of the index: a merge or rename re-points records, which moves the index on.
    authority: Repositories = archive.cached("repository-authority", lambda: Repositories.of(archive.store))
    moved, changed = [], False
    for key, value in items:
        if key == "filter" and value.startswith("repository:"):
            found = authority.retired(value.split(":", 1)[1])
            if found is not None:
                value, changed = f"repository:{found.preferred}", True
        moved.append((key, value))
    return RedirectResponse(f"{request.url.path}?{urlencode(moved)}", status_code=301) if changed else None


@dataclass(frozen=True)
class RepositoriesPage(StaffPage):
    entries: tuple[Entity, ...] = ()
    template: str = "staff_repositories.html"

    def json(self) -> dict[str, Any]:
        return {"repositories": [_json(e) for e in self.entries]}


def _json(e: Entity) -> dict[str, Any]:
    return {"id": e.id, "name": e.preferred, "code": code_of(e), "place": e.description,
            "forms": [v.name for v in e.variants if v.kind != "code"]}


def repositories(request: Request, archive: Archive) -> Any:
    user = staff_user(request, "contributor")
    authority = Repositories.of(archive.store)
    entries = tuple(sorted(authority.entries.values(), key=lambda e: e.preferred.casefold()))
    return RepositoriesPage(user, sessions(request).csrf_token(request), entries)


@dataclass(frozen=True)
class RepositoryPage(StaffPage):
    entity: Entity | None = None
    code: str = ""
    forms: str = ""
    retired: tuple[str, ...] = ()
    records_href: str = ""
    problems: tuple[str, ...] = ()
    status: int = 200
    template: str = "staff_repository.html"

    def json(self) -> dict[str, Any]:
        return {"repository": _json(self.entity) if self.entity else None, "problems": list(self.problems)}


def _page(request: Request, user: Any, found: Entity, problems: tuple[str, ...] = (), status: int = 200) -> RepositoryPage:
    forms = "\n".join(v.name for v in found.variants if v.kind not in ("code", *RETIRED))
    retired = tuple(f"{v.name} ({v.kind})" for v in found.variants if v.kind in RETIRED)
    return RepositoryPage(user, sessions(request).csrf_token(request), found, code_of(found) or "", forms, retired,
                          filter_href("repository", found.preferred), problems, status)


@form_view
def repository(request: Request, archive: Archive) -> Any:
    entity_id = str(request.path_params["entity_id"]).removesuffix(".json")
    if request.method != "POST":
        user = staff_user(request, "contributor")
        authority = Repositories.of(archive.store)
        if entity_id in authority.aliases:  # merged: its address leads to the kept repository
            return RedirectResponse(repository_href(authority.current_id(entity_id)), status_code=301)
        return _page(request, user, entry(archive.store, entity_id)[1])
    user, form = posted(request, "editor")
    _, found = entry(archive.store, entity_id)
    action = form.get("action", "edit")
    try:
        if action == "merge":
            into = form.get("into", "").strip()
            count = merge_repositories(archive.store, entity_id, into, agent=agent(user))
            kept = Repositories.of(archive.store).current_id(entity_id)  # `into` may be a code or a name
            archive.store.audit(agent(user), "merge repositories", entity_id, f"into {kept}; {count} records")
            return see_other(repository_href(kept))
        count = edit_repository(archive.store, entity_id, name=form.get("name", ""), code=form.get("code", ""),
                                place=form.get("place", ""), forms=form.get("forms", ""), agent=agent(user))
    except FondsError as error:
        return _page(request, user, found, (str(error),), 400 if error.status == 404 else error.status)
    archive.store.audit(agent(user), "edit repository", entity_id, f"{form.get('name', '')[:200]}; {count} records")
    return see_other(repository_href(entity_id))
