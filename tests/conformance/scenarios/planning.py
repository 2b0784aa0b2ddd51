"""Planning cases a greedy planner gets wrong (issue 11), written from the Federation spec.

Data (apps/planning.py): Kecamatan "Ujung Pandang" (luas 3 in wilayah, 2 puskesmas in layanan);
usaha u1 "Warung Coto" (omzet 2024: 100, 2025: 200), u2 "Toko Kain" (50, 80); pajak is a tenth
of the omzet the representation carries: 2025's for `pajak`, 2024's for `pajakLalu`;
izin z1 -> pemohon p1 "Andi" (3 berkas in arsip), z2 -> p2 "Sitti" (1); berkas: Surat s1
"SK-1", Foto without kode, Foto "F-2"; warga w1 "Daeng Naba" (Jl. Somba Opu, Ujung Pandang
90111), w2 "Besse" (Jl. Veteran, Makassar 90142).
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
    S(
        # Pemohon has no key in arsip: its `jumlahBerkas` is reached through the key of the
        # entity above it, Izin, and the chain `pemohon { jumlahBerkas }` in arsip.
        name="a_field_reached_through_the_key_of_the_parent_entity",
        query="{ daftarIzin { pemohon { nama jumlahBerkas } } }",
        expected={"data": {"daftarIzin": [
            {"pemohon": {"nama": "Andi", "jumlahBerkas": 3}},
            {"pemohon": {"nama": "Sitti", "jumlahBerkas": 1}},
        ]}},
        fetches={"izin": 1, "arsip": 1},
    ),
    S(
        # Valid against the supergraph (both `kode` are String there), but in izin Surat.kode is
        # String! and Foto.kode String: sent as is, izin would reject the operation
        # (FieldsInSetCanMerge). The planner aliases one and the client never sees the alias.
        name="fields_of_one_key_with_two_types_in_the_subgraph_are_aliased",
        query="{ berkas { ... on Surat { kode } ... on Foto { kode } } }",
        expected={"data": {"berkas": [{"kode": "SK-1"}, {"kode": None}, {"kode": "F-2"}]}},
        fetches={"izin": 1},
    ),
    S(
        # Warga.alamat is resolved by domisili and by pos, each with `jalan` and `wilayah`; only
        # pos has `wilayah.kodePos`. Planned from the subgraph that resolves more of the field's
        # direct selection, domisili would be asked too and pos entered a second time for
        # kodePos; the cheapest plan (fewest fetches) takes the whole selection from pos.
        name="a_shared_field_from_the_subgraph_whose_whole_selection_costs_least",
        query="{ daftarWarga { nama alamat { jalan wilayah { kodePos } } } }",
        expected={"data": {"daftarWarga": [
            {"nama": "Daeng Naba", "alamat": {"jalan": "Jl. Somba Opu", "wilayah": {"kodePos": "90111"}}},
            {"nama": "Besse", "alamat": {"jalan": "Jl. Veteran", "wilayah": {"kodePos": "90142"}}},
        ]}},
        fetches={"dukcapil": 1, "domisili": 0, "pos": 1},
    ),
]
