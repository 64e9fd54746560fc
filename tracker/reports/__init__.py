"""Reports: the progress report (Word, Excel, PDF, print), the ITA analysis, the public page and calendar feeds."""
from flask import Flask


def init_app(app: Flask) -> None:
    pass
