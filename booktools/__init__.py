"""Local Sphinx extensions and checks for the book."""
