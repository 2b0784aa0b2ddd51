"""The access trail: who read whose personal data, when, which fields, and why (UU 27/2022 art. 31-32)."""
