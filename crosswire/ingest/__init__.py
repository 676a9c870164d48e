"""Readers per input kind (text, html, jsonl, feed) and encoding repair."""
from .readers import RawItem, iter_inputs, read_items

__all__ = ["RawItem", "iter_inputs", "read_items"]
