"""Translation catalogs for floorman's user-visible strings."""
