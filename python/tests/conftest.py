"""Shared pytest fixtures and helpers."""
