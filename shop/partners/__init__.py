"""Partners of the public read API: their keys and how much they use them."""
