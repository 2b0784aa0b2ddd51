"""Entity fetches below a type condition: representations only for objects of that type.

Data (apps/conditions.py): reports w1 (a citizen's, kelurahan l1 Mangasa), n1 (anonymous, l2
Jongaya), w2 (a citizen's, l1), n2 (anonymous, l3 Melayu).
"""

from __future__ import annotations

from functools import partial

from ..harness import Scenario

S = partial(Scenario, area="conditions")

SCENARIOS = [
    S(
        name="fetch_under_one_type_condition_is_not_sent_for_the_other_type",
        query=(
            "{ daftarLaporan { isi ... on LaporanWarga { kelurahan { nama } } "
            "... on LaporanAnonim { kelurahan { __typename id } } } }"
        ),
        expected={"data": {"daftarLaporan": [
            {"isi": "Jalan berlubang", "kelurahan": {"nama": "Mangasa"}},
            {"isi": "Pungutan liar", "kelurahan": {"__typename": "Kelurahan", "id": "l2"}},
            {"isi": "Sampah menumpuk", "kelurahan": {"nama": "Mangasa"}},
            {"isi": "Parkir liar", "kelurahan": {"__typename": "Kelurahan", "id": "l3"}},
        ]}},
        # only l1, of the citizens' reports (sent once): never l2 or l3
        fetches={"aduan": 1, "wilayah": 1},
        representations={"wilayah": 1},
    ),
    S(
        name="each_type_condition_gets_the_fields_it_selects",
        query=(
            "{ daftarLaporan { id ... on LaporanWarga { kelurahan { nama } } "
            "... on LaporanAnonim { kelurahan { kodePos } } } }"
        ),
        expected={"data": {"daftarLaporan": [
            {"id": "w1", "kelurahan": {"nama": "Mangasa"}},
            {"id": "n1", "kelurahan": {"kodePos": "90223"}},
            {"id": "w2", "kelurahan": {"nama": "Mangasa"}},
            {"id": "n2", "kelurahan": {"kodePos": "90173"}},
        ]}},
        # one request: l1 for nama, l2 and l3 for kodePos
        fetches={"aduan": 1, "wilayah": 1},
        representations={"wilayah": 3},
    ),
    S(
        name="fetch_under_a_type_condition_no_object_matches_is_not_sent",
        query=(
            "{ daftarLaporan { id ... on LaporanWarga @skip(if: true) { kelurahan { nama } } "
            "... on LaporanAnonim { isi } } }"
        ),
        expected={"data": {"daftarLaporan": [
            {"id": "w1"}, {"id": "n1", "isi": "Pungutan liar"}, {"id": "w2"}, {"id": "n2", "isi": "Parkir liar"},
        ]}},
        fetches={"aduan": 1, "wilayah": 0},
    ),
]
