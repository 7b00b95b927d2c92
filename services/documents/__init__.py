"""Printed documents: carnê, boleto-style slip, payment receipt, credit-sale disclosure.

Each renderer takes a frozen dataclass from ``services.documents.data`` and returns PDF bytes.
Import the renderer modules (``slip``, ``receipt``, ``disclosure``) where a document is printed:
they load reportlab, which this package deliberately does not import.
"""
