"""The tables as release cf5ca0c defined them (copied verbatim from that commit): what its `create_all` made."""
