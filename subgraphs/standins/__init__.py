"""STAND-INS, NOT PART OF THE PRODUCT.

Small aiohttp apps that play external systems the reference OPDs read through REST: the
national health insurance membership API (BPJS Kesehatan) and the city's permits system.
They exist so the demo and the tests run without those systems; each serves rows the seed
generator wrote into its own database.
"""
