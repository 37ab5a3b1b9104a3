"""The authority model and the curated persons."""

from __future__ import annotations

from fonds.authority import VARIANT_KINDS, Entity, Variant, load_curated
from fonds.variants import complete


def test_curated_persons_have_ids_and_original_scripts() -> None:
    curated = {e.id: e for e in load_curated()}
    assert len(curated) >= 60
    assert all(entity_id.startswith("fonds:") for entity_id in curated)
    kim = curated["fonds:kim-il-sung"]
    assert Variant("김일성", "original script", "curated: fonds/data/persons.json") in kim.variants
    assert kim.family == "Kim" and kim.language == "ko"
    for needed in ("fonds:brezhnev", "fonds:gromyko", "fonds:liu-shaoqi", "fonds:syngman-rhee", "fonds:nam-il",
                   "fonds:kishi-nobusuke", "fonds:rusk-dean", "fonds:mcnamara-robert-s", "fonds:choe-yong-gon"):
        assert needed in curated


def test_every_generated_variant_has_a_known_kind_and_a_source() -> None:
    for entity in complete(load_curated()):
        for variant in entity.variants:
            assert variant.kind.split(":")[0] in VARIANT_KINDS, variant
            assert variant.source, variant


def test_name_parts_round_trip_and_stay_out_of_old_entries() -> None:
    entity = Entity(id="x", preferred="Kim Il Sung", family="Kim", given="Il Sung", language="ko", titles=("Premier",))
    assert Entity.from_dict(entity.to_dict()) == entity
    assert set(Entity(id="y", preferred="Rusk, Dean").to_dict()) == {
        "id", "kind", "preferred", "description", "dates", "variants", "sources"}
