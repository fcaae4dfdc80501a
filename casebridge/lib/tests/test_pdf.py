"""A PDF drawn from a template fetches nothing: a page that names a remote image (or a local
file) still renders, without it, and nothing is requested."""

from __future__ import annotations

import http.server
import threading

from casebridge.lib.pdf import html_pdf


def test_a_document_naming_remote_resources_renders_without_fetching_them():
    asked: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            asked.append(self.path)
            self.send_response(404)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_port}/tracker.png"
        pdf = html_pdf(f'<p>Hello</p><img src="{url}"><img src="file:///etc/hostname">')
    finally:
        server.shutdown()
    assert pdf.startswith(b"%PDF") and asked == []
