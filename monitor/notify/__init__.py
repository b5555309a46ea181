"""Delivery channels, one module per kind (the daemon issues fill this in)."""

from __future__ import annotations
