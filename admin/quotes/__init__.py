"""Quote requests in the back office: each facility answers its part; central records transfers."""
