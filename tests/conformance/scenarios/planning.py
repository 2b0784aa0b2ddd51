"""Planning cases a greedy planner gets wrong (issue 11), written from the Federation spec.

Data (apps/planning.py): Kecamatan "Ujung Pandang" (luas 3 in wilayah, 2 puskesmas in layanan);
usaha u1 "Warung Coto" (omzet 2024: 100, 2025: 200), u2 "Toko Kain" (50, 80); pajak is a tenth
of the omzet the representation carries: 2025's for `pajak`, 2024's for `pajakLalu`.
"""

from __future__ import annotations

from functools import partial

from ..harness import Scenario

S = partial(Scenario, area="planning")

SCENARIOS = [
    S(
        # A value type (no @key) under a @shareable root field: each field comes from the subgraph
        # that resolves it, by entering that subgraph at the root (there is no key to jump by).
        name="shared_root_value_type_fields_from_each_subgraph",
        query="{ kecamatanUtama { nama luas jumlahPuskesmas } }",
        expected={"data": {"kecamatanUtama": {"nama": "Ujung Pandang", "luas": 3, "jumlahPuskesmas": 2}}},
        fetches={"wilayah": 1, "layanan": 1},
    ),
    S(
        # @requires(fields: "omzet(tahun: 2025)"): the required field is fetched with its
        # arguments; the client's own `omzet(tahun: 2024)` is another field and keeps its value.
        name="required_field_with_arguments_beside_the_clients_own",
        query="{ daftarUsaha { nama omzet(tahun: 2024) pajak } }",
        expected={"data": {"daftarUsaha": [
            {"nama": "Warung Coto", "omzet": 100, "pajak": 20},
            {"nama": "Toko Kain", "omzet": 50, "pajak": 8},
        ]}},
    ),
    S(
        # Two fields requiring `omzet` with different arguments: a representation has one `omzet`,
        # so each requiring field is resolved from a representation of its own.
        name="two_requirements_of_one_field_with_different_arguments",
        query="{ daftarUsaha { pajak pajakLalu } }",
        expected={"data": {"daftarUsaha": [{"pajak": 20, "pajakLalu": 10}, {"pajak": 8, "pajakLalu": 5}]}},
        fetches={"usaha": 1, "pajak": 1},
    ),
]
