"""The anchor of bench/bench_pages.py: a bare Flask app with one route returning a small HTML page,
served by the same gunicorn settings as the site, so the site's figures read as a share of what the
server, the load generator and this machine can do at all in the same run."""

from flask import Flask

app = Flask(__name__)

PAGE = ("<!doctype html><html lang=\"vi\"><head><meta charset=\"utf-8\"><title>Chợ Hội Quán</title></head>"
        "<body><h1>Chợ Hội Quán</h1><p>Xin chào.</p></body></html>")


@app.route("/")
def hello() -> str:
    return PAGE
