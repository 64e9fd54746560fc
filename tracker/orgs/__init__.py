"""Organizations (agencies) and their divisions."""
