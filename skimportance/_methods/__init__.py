"""Importance methods: what replaces a measured input (permutation, conditional draws), and method= resolved."""
