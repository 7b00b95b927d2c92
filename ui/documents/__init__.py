"""Printing from the screens: render in the background, preview, print or save the PDF.

The preview (``ui.documents.preview``) is imported when first shown: Qt PDF is not needed to start.
"""

from ui.documents.actions import print_documents, print_resolved

__all__ = ["print_documents", "print_resolved"]
