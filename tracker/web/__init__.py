"""The web layer's shared machinery: the transaction owner, the language of a request, the error pages."""
