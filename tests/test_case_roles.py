"""The body's role in each treatment of a case (`role`), as the Danish wording says."""

from __future__ import annotations

import pytest

from indexer.cases import treatment_role

@pytest.fixture(scope="module")
def client(greve_case_client):
    return greve_case_client


def test_each_body_of_a_greve_case_has_its_role(client):
    """Fagudvalget took it to efterretning, Økonomiudvalget recommended, the Byråd decided."""
    case = client.get("/api/cases/21-016074").get_json()
    roles = [(t["council"], t["role"]) for t in case["treatments"] if t["in_archive"]]
    assert roles == [("Beskæftigelses- og Erhvervsudvalget", "orientering"), ("Økonomiudvalget", "indstilling"),
                     ("Byråd", "beslutning")]
    page = client.get("/sag/21-016074").get_data(as_text=True)
    assert all(label in page for label in ("Orientering", "Indstilling", "Beslutning"))


@pytest.mark.parametrize("kind, texts, role", [
    ("ingen bemærkninger", ["Handicaprådet havde ingen bemærkninger."], "høring"),
    ("anbefales", ["Handicaprådet anbefaler forslaget i sit høringssvar."], "høring"),
    ("godkendt", ["Byrådet godkendte høringssvaret."], "beslutning"),
    ("anbefales", ["Økonomiudvalget anbefaler overfor Byrådet, at …"], "indstilling"),
    ("taget til efterretning", ["Orienteringen blev taget til efterretning."], "orientering"),
    (None, ["Socialudvalget besluttede at sende sagen i høring."], "beslutning"),  # sent to a hearing, not one
    (None, ["Udvalget vedtog indstillingen."], "beslutning"),
    ("udsat", ["Sagen blev udsat."], None),
    (None, [None], None),
])
def test_role_from_wording(kind, texts, role):
    assert treatment_role(kind, *texts) == role
