"""Security: who is asking (authentication) and what they may read (authorization directives)."""
