"""Builds the places index from GeoNames and the curated sources (build time only)."""
