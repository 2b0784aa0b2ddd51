"""@context and @fromContext (Federation 2.8): an argument the gateway fills from an ancestor.

Data (apps/context.py): kecamatan k1 Tamalate (bahasa makassar: kelurahan Mangasa, Jongaya),
k2 Wajo (bugis: Melayu), k3 Sangkarrang (no bahasa: Barrang Lompo); the greeting is
"Salamakki'" in Makassar, "Mattabe'" in Bugis, "Selamat datang" without a language.
Aduan a1 is in Wajo, a2 in Tamalate.

As Apollo's router does, the contextual field is fetched by an entity fetch whose argument is a
variable taken from the nearest enclosing Kecamatan; objects whose contexts differ are sent in
one request, one aliased `_entities` per distinct value.
"""

from __future__ import annotations

from functools import partial

from ..harness import Scenario

S = partial(Scenario, area="context")

SCENARIOS = [
    S(
        name="contextual_argument_comes_from_the_enclosing_entity",
        query="{ daftarKecamatan { nama kelurahan { nama sapaan } } }",
        expected={"data": {"daftarKecamatan": [
            {"nama": "Tamalate", "kelurahan": [
                {"nama": "Mangasa", "sapaan": "Salamakki', warga Mangasa"},
                {"nama": "Jongaya", "sapaan": "Salamakki', warga Jongaya"},
            ]},
            {"nama": "Wajo", "kelurahan": [{"nama": "Melayu", "sapaan": "Mattabe', warga Melayu"}]},
            {"nama": "Sangkarrang", "kelurahan": [
                {"nama": "Barrang Lompo", "sapaan": "Selamat datang, warga Barrang Lompo"},
            ]},
        ]}},
        # the root fetch, then one request for the three distinct contexts
        fetches={"wilayah": 2},
        representations={"wilayah": 4},
    ),
    S(
        name="context_field_the_client_did_not_select_stays_out_of_the_response",
        query="{ daftarKecamatan { kelurahan { salam: sapaan } } }",
        expected={"data": {"daftarKecamatan": [
            {"kelurahan": [{"salam": "Salamakki', warga Mangasa"}, {"salam": "Salamakki', warga Jongaya"}]},
            {"kelurahan": [{"salam": "Mattabe', warga Melayu"}]},
            {"kelurahan": [{"salam": "Selamat datang, warga Barrang Lompo"}]},
        ]}},
    ),
    S(
        name="context_field_also_selected_by_the_client_under_an_alias",
        query='{ daftarKecamatan { b: bahasa bahasa: nama kelurahan { sapaan } } }',
        expected={"data": {"daftarKecamatan": [
            {"b": "makassar", "bahasa": "Tamalate", "kelurahan": [
                {"sapaan": "Salamakki', warga Mangasa"}, {"sapaan": "Salamakki', warga Jongaya"},
            ]},
            {"b": "bugis", "bahasa": "Wajo", "kelurahan": [{"sapaan": "Mattabe', warga Melayu"}]},
            {"b": None, "bahasa": "Sangkarrang", "kelurahan": [{"sapaan": "Selamat datang, warga Barrang Lompo"}]},
        ]}},
    ),
    S(
        name="context_of_an_entity_entered_from_another_subgraph",
        query="{ daftarAduan { isi kecamatan { nama kelurahan { sapaan } } } }",
        expected={"data": {"daftarAduan": [
            {"isi": "Lampu jalan padam", "kecamatan": {"nama": "Wajo", "kelurahan": [
                {"sapaan": "Mattabe', warga Melayu"},
            ]}},
            {"isi": "Saluran tersumbat", "kecamatan": {"nama": "Tamalate", "kelurahan": [
                {"sapaan": "Salamakki', warga Mangasa"}, {"sapaan": "Salamakki', warga Jongaya"},
            ]}},
        ]}},
        fetches={"aduan": 1, "wilayah": 2},
    ),
    S(
        name="contextual_argument_in_a_named_operation_with_variables",
        query="query Sapa($semua: Boolean!) { daftarKecamatan { kelurahan { sapaan @include(if: $semua) nama } } }",
        variables={"semua": True},
        operation_name="Sapa",
        expected={"data": {"daftarKecamatan": [
            {"kelurahan": [
                {"sapaan": "Salamakki', warga Mangasa", "nama": "Mangasa"},
                {"sapaan": "Salamakki', warga Jongaya", "nama": "Jongaya"},
            ]},
            {"kelurahan": [{"sapaan": "Mattabe', warga Melayu", "nama": "Melayu"}]},
            {"kelurahan": [{"sapaan": "Selamat datang, warga Barrang Lompo", "nama": "Barrang Lompo"}]},
        ]}},
    ),
    S(
        name="context_set_by_a_fragment_on_a_member_of_a_union",
        query="{ wilayahTerdekat { ... on Kota { nama } ... on Kecamatan { kelurahan { sapaan } } } }",
        expected={"data": {"wilayahTerdekat": [
            {"nama": "Makassar"},
            {"kelurahan": [{"sapaan": "Mattabe', warga Melayu"}]},
        ]}},
        fetches={"wilayah": 2},
    ),
]
