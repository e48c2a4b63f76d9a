"""Etalase Karya Pemasyarakatan: the national storefront for correctional workshops' products."""
