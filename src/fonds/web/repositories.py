"""The repository authority on the web: staff add, edit, merge and split repositories (repository_edits.py),
and a search filtered by a repository's retired name (a former name, a merged repository's)
redirects to the name it goes by now, so old browse and facet links keep working.

- /staff/repositories (.json): every repository of the archive (shipped and the archive's own),
  and the form adding one; POST (editor) adds it (the checks of `fonds repository add`; a problem
  is shown at its field, nothing stored).
- /staff/repositories/ID: the edit form (name, code, place, other forms), the merge form and, for
  each repository merged into this one, a split button; POST (editor) `action=edit|merge|split`
  (split: `merged=ID`). A merged id answers 301 to the repository it was merged into.
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
from fonds.repository_edits import (
    RepositoryEditError, add_repository, edit_repository, entry, merge_repositories, merged_into, split_repository,
)
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
    form: tuple[tuple[str, str], ...] = ()  # the add form as posted (field, value), shown again with its problems
    problems: tuple[tuple[str, str], ...] = ()  # (field, message); field "" for the form as a whole
    status: int = 200
    template: str = "staff_repositories.html"

    def value(self, field: str) -> str:
        return dict(self.form).get(field, "")

    def problem(self, field: str) -> str:
        return dict(self.problems).get(field, "")

    def json(self) -> dict[str, Any]:
        return {"repositories": [_json(e) for e in self.entries],
                "problems": [{"field": f, "message": m} for f, m in self.problems]}


def _json(e: Entity) -> dict[str, Any]:
    return {"id": e.id, "name": e.preferred, "code": code_of(e), "place": e.description,
            "forms": [v.name for v in e.variants if v.kind != "code"]}


ADD_FIELDS = ("code", "name", "place", "forms")


@form_view
def repositories(request: Request, archive: Archive) -> Any:
    if request.method == "POST":
        user, form = posted(request, "editor")
        values = {field: form.get(field, "") for field in ADD_FIELDS}
        try:
            entity_id, count = add_repository(archive.store, agent=agent(user), **values)
        except RepositoryEditError as error:
            return _list_page(request, archive, user, tuple(values.items()), ((error.field, str(error)),), 400)
        archive.store.audit(agent(user), "add repository", entity_id, f"{count} records")
        return see_other(repository_href(entity_id))
    return _list_page(request, archive, staff_user(request, "contributor"))


def _list_page(request: Request, archive: Archive, user: Any, form: tuple[tuple[str, str], ...] = (),
               problems: tuple[tuple[str, str], ...] = (), status: int = 200) -> RepositoriesPage:
    authority = Repositories.of(archive.store)
    entries = tuple(sorted(authority.entries.values(), key=lambda e: e.preferred.casefold()))
    return RepositoriesPage(user, sessions(request).csrf_token(request), entries, form, problems, status)


@dataclass(frozen=True)
class RepositoryPage(StaffPage):
    entity: Entity | None = None
    code: str = ""
    forms: str = ""
    retired: tuple[str, ...] = ()
    records_href: str = ""
    merged: tuple[tuple[str, str], ...] = ()  # (id, name) of the repositories merged into this one
    problems: tuple[str, ...] = ()
    status: int = 200
    template: str = "staff_repository.html"

    def json(self) -> dict[str, Any]:
        return {"repository": _json(self.entity) if self.entity else None, "problems": list(self.problems)}


def _page(request: Request, archive: Archive, user: Any, found: Entity, problems: tuple[str, ...] = (),
          status: int = 200) -> RepositoryPage:
    forms = "\n".join(v.name for v in found.variants if v.kind not in ("code", *RETIRED))
    retired = tuple(f"{v.name} ({v.kind})" for v in found.variants if v.kind in RETIRED)
    merged = tuple(merged_into(Repositories.of(archive.store), found.id))
    return RepositoryPage(user, sessions(request).csrf_token(request), found, code_of(found) or "", forms, retired,
                          filter_href("repository", found.preferred), merged, problems, status)


@form_view
def repository(request: Request, archive: Archive) -> Any:
    entity_id = str(request.path_params["entity_id"]).removesuffix(".json")
    if request.method != "POST":
        user = staff_user(request, "contributor")
        authority = Repositories.of(archive.store)
        if entity_id in authority.aliases:  # merged: its address leads to the kept repository
            return RedirectResponse(repository_href(authority.current_id(entity_id)), status_code=301)
        return _page(request, archive, user, entry(archive.store, entity_id)[1])
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
        if action == "split":
            merged = form.get("merged", "").strip()
            count = split_repository(archive.store, entity_id, merged, agent=agent(user))
            archive.store.audit(agent(user), "split repository", entity_id, f"{merged[:200]} split out; {count} records")
            return see_other(repository_href(merged))
        count = edit_repository(archive.store, entity_id, name=form.get("name", ""), code=form.get("code", ""),
                                place=form.get("place", ""), forms=form.get("forms", ""), agent=agent(user))
    except FondsError as error:
        return _page(request, archive, user, found, (str(error),), 400 if error.status == 404 else error.status)
    archive.store.audit(agent(user), "edit repository", entity_id, f"{form.get('name', '')[:200]}; {count} records")
    return see_other(repository_href(entity_id))
