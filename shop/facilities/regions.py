"""Indonesia's 38 provinces (since 2022), for addresses and delivery zones."""

PROVINCES: tuple[str, ...] = (
    "Aceh", "Sumatera Utara", "Sumatera Barat", "Riau", "Kepulauan Riau", "Jambi",
    "Sumatera Selatan", "Kepulauan Bangka Belitung", "Bengkulu", "Lampung", "DKI Jakarta",
    "Banten", "Jawa Barat", "Jawa Tengah", "DI Yogyakarta", "Jawa Timur", "Bali",
    "Nusa Tenggara Barat", "Nusa Tenggara Timur", "Kalimantan Barat", "Kalimantan Tengah",
    "Kalimantan Selatan", "Kalimantan Timur", "Kalimantan Utara", "Sulawesi Utara", "Gorontalo",
    "Sulawesi Tengah", "Sulawesi Barat", "Sulawesi Selatan", "Sulawesi Tenggara", "Maluku",
    "Maluku Utara", "Papua", "Papua Barat", "Papua Barat Daya", "Papua Tengah",
    "Papua Pegunungan", "Papua Selatan",
)  # fmt: skip


def normalise_place(name: str) -> str:
    """Compare place names loosely: case, spacing and the `Kota`/`Kabupaten` prefixes ignored."""
    words = name.lower().replace(".", " ").split()
    while words and words[0] in {"kota", "kabupaten", "kab", "provinsi", "prov"}:
        words = words[1:]
    return " ".join(words)
