"""Serve Debian's graphite-web headless for tests: whisper files backfilled from a JSON spec, Django's WSGI app under wsgiref.

usage: /usr/bin/python3 graphite-web.py <storage dir> <port> <data.json>
data.json: {"step": 60, "retention": 604800, "series": {"a.b.c": [[epoch_seconds, value], ...]}}
Prints "ready <port>" once listening. Started and stopped by test/helpers/graphite.ts.
"""
import json
import os
import sys
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import whisper

storage, port, spec_path = sys.argv[1], int(sys.argv[2]), sys.argv[3]
with open(spec_path) as f:
    spec = json.load(f)

whisper_dir = os.path.join(storage, "whisper")
for name, points in spec["series"].items():
    path = os.path.join(whisper_dir, *name.split(".")) + ".wsp"
    os.makedirs(os.path.dirname(path), exist_ok=True)
    whisper.create(path, [(spec["step"], spec["retention"] // spec["step"])], xFilesFactor=0, aggregationMethod="average")
    whisper.update_many(path, [(int(t), float(v)) for t, v in points])

os.makedirs(os.path.join(storage, "log"), exist_ok=True)
with open(os.path.join(storage, "coalmine_graphite_settings.py"), "w") as f:
    f.write(
        "SECRET_KEY = 'coalmine-test-only'\n"
        f"STORAGE_DIR = {storage!r}\n"
        f"WHISPER_DIR = {whisper_dir + '/'!r}\n"
        f"LOG_DIR = {os.path.join(storage, 'log')!r}\n"
        f"INDEX_FILE = {os.path.join(storage, 'index')!r}\n"
        "CARBONLINK_HOSTS = []\n"
        "TAGDB = ''\n"
        "ALLOWED_HOSTS = ['*']\n"
        "LOG_RENDERING_PERFORMANCE = False\n"
        "LOG_CACHE_PERFORMANCE = False\n"
    )
sys.path.insert(0, storage)
os.environ["DJANGO_SETTINGS_MODULE"] = "graphite.settings"
os.environ["GRAPHITE_SETTINGS_MODULE"] = "coalmine_graphite_settings"

from graphite.wsgi import application  # noqa: E402 (needs the settings above)


class Server(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class QuietHandler(WSGIRequestHandler):
    def log_message(self, *args):
        pass


server = make_server("127.0.0.1", port, application, server_class=Server, handler_class=QuietHandler)
print(f"ready {port}", flush=True)
server.serve_forever()
