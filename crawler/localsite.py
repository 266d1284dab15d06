"""A local job site (stdlib HTTP server) publishing schema.org JobPosting pages: listing pages,
sitemaps (``/sitemap.xml``, the same gzipped ``/sitemap.xml.gz``, ``/sitemap_index.xml`` pointing
to gzipped parts ``/sitemaps/jobs-N.xml.gz``, an unreadable ``/sitemap-broken.xml``), a robots.txt
naming the index, awkward pages (malformed JSON-LD, no description, an English ad, a 5 MB page, a
page behind a robots.txt Disallow, a Latin-1 page, broken HTML, an edited repost), and on demand
pages answering ``429 Too Many Requests`` with a ``Retry-After`` (``LocalSite.rate_limit``).

Used by ``skillgap bench crawl`` and the crawler's integration tests. Ads come from real France
Travail objects when given (read at run time, never saved), else from the few written below.
"""

from __future__ import annotations

import gzip
import html
import json
import random
import threading
import time
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

PER_PAGE = 20
#: urls per part of the sitemap index
PER_SITEMAP = 8
_WRITTEN = [
    ("Développeur Python H/F", "75015", "Paris",
     "Nous recherchons un développeur Python pour notre équipe data, qui construit la plateforme d'analyse "
     "utilisée par nos clients industriels et par nos équipes internes de conseil.\nVos missions :\n"
     "- Concevoir des API REST et les documenter\n"
     "- Écrire des tests automatisés et maintenir l'intégration continue\n"
     "- Participer aux revues de code et aux choix d'architecture\n"
     "- Optimiser les traitements de données volumineuses\n"
     "- Accompagner les développeurs juniors de l'équipe\n"
     "Profil : Bac+5 en informatique, 3 ans d'expérience en Python, pratique de PostgreSQL et de Docker, "
     "goût du travail en équipe et de la qualité logicielle."),
    ("Soudeur TIG (H/F)", "69007", "Lyon",
     "Entreprise de chaudronnerie recherche un soudeur TIG confirmé.\nMissions :\n- Lire des plans\n"
     "- Souder des pièces inox et aluminium\n- Contrôler la qualité des soudures\nHabilitation appréciée."),
    ("Aide-soignant de nuit H/F", "33000", "Bordeaux",
     "EHPAD de 80 lits recrute un aide-soignant pour les nuits.\nVous assurez :\n- Les soins d'hygiène et de confort\n"
     "- La surveillance des résidents\n- Les transmissions à l'équipe de jour\nDiplôme d'État exigé."),
    ("Comptable fournisseurs (F/H)", "59000", "Lille",
     "Au sein du service comptable, vous prenez en charge la comptabilité fournisseurs.\n"
     "- Saisie et contrôle des factures\n"
     "- Rapprochements bancaires\n- Préparation des règlements\nMaîtrise d'Excel et d'un ERP demandée."),
]  # fmt: skip
_SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
_WORDS = ("gestion projet client logiciel atelier maintenance qualité sécurité équipe commercial données réseau "
          "chantier stock planning production analyse formation conseil audit transport vente").split()  # fmt: skip


def written_postings(n: int, *, seed: int = 0) -> list[dict]:
    """``n`` JobPosting objects from the written ads; beyond the first few, distinct generated texts."""
    rng = random.Random(seed)
    postings = []
    for i in range(n):
        title, postal_code, city, text = _WRITTEN[i % len(_WRITTEN)]
        if i >= len(_WRITTEN):
            extra = " ".join(rng.choice(_WORDS) for _ in range(60))
            title, text = f"{title} — poste {i}", f"{text}\nContexte du poste {i} : {extra}."
        postings.append(_posting(i, title, text, postal_code, city, "2025-01-15"))
    return postings


def postings_from_offers(offers: list[dict]) -> list[dict]:
    """France Travail API objects → JobPosting objects (description as HTML paragraphs)."""
    out = []
    for i, offer in enumerate(offers):
        place = offer.get("lieuTravail") or {}
        out.append(
            _posting(i, offer.get("intitule") or "", offer.get("description") or "", place.get("codePostal"),
                     place.get("libelle"), (offer.get("dateCreation") or "")[:10], rome=offer.get("romeCode"))
        )  # fmt: skip
    return out


def _posting(i: int, title: str, text: str, postal_code: str | None, city: str | None, date: str, *, rome=None) -> dict:
    body = "".join(f"<p>{html.escape(line)}</p>" for line in text.split("\n") if line.strip())
    obj = {
        "@context": "https://schema.org", "@type": "JobPosting", "title": title, "description": body,
        "datePosted": date, "identifier": {"@type": "PropertyValue", "value": f"site-{i}"},
        "hiringOrganization": {"@type": "Organization", "name": f"Employeur {i % 7}"},
        "jobLocation": {"@type": "Place", "address": {"@type": "PostalAddress", "postalCode": postal_code,
                                                      "addressLocality": city, "addressCountry": "FR"}},
        "employmentType": "FULL_TIME",
    }  # fmt: skip
    if rome:
        obj["occupationalCategory"] = rome
    return obj


def _page(title: str, jsonld: str | None, body: str = "", charset: str = "utf-8") -> str:
    script = f'<script type="application/ld+json">{jsonld}</script>' if jsonld is not None else ""
    return (f'<!DOCTYPE html><html><head><meta charset="{charset}"><title>{html.escape(title)}</title>{script}</head>'
            f"<body><h1>{html.escape(title)}</h1>{body}</body></html>")  # fmt: skip


class LocalSite:
    """The site, served on 127.0.0.1 on a free port from a daemon thread (``with LocalSite(...)``)."""

    def __init__(self, postings: list[dict], *, extras: bool = True, lastmod: str = "2025-01-20"):
        self.postings = postings
        self.extras = extras
        self.lastmod = {i: lastmod for i in range(len(postings))}
        self.requests: list[str] = []
        self.request_times: list[float] = []  # time.monotonic() of each request, beside ``requests``
        #: path → [429 answers left (None: always), Retry-After value]
        self._limited: dict[str, list] = {}
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        assert self._server is not None, "site not started"
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def __enter__(self) -> LocalSite:
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                with site._lock:
                    site.requests.append(self.path)
                    site.request_times.append(time.monotonic())
                status, ctype, body = site.respond(self.path)
                retry_after = site._rate_limited(self.path)
                if retry_after is not None:
                    status, ctype, body = 429, "text/plain; charset=utf-8", "trop de requêtes".encode()
                self.send_response(status)
                if retry_after is not None:
                    self.send_header("Retry-After", retry_after)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                try:
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the crawler gave up on a too-large page

            def log_message(self, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def rate_limit(self, path: str, *, times: int | None, retry_after: str = "0") -> None:
        """Answer ``path`` with 429 and ``Retry-After: retry_after`` its next ``times`` requests (None: always)."""
        with self._lock:
            self._limited[path] = [times, retry_after]

    def _rate_limited(self, path: str) -> str | None:
        with self._lock:
            limit = self._limited.get(path)
            if limit is None or limit[0] == 0:
                return None
            if limit[0] is not None:
                limit[0] -= 1
            return limit[1]

    def job_paths(self) -> list[str]:
        return [f"/jobs/{i}.html" for i in range(len(self.postings))]

    def respond(self, path: str) -> tuple[int, str, bytes]:
        html_type = "text/html; charset=utf-8"
        if path == "/robots.txt":
            robots = f"User-agent: *\nDisallow: /private/\nSitemap: {self.url}/sitemap_index.xml\n"
            return 200, "text/plain", robots.encode()
        if path == "/sitemap.xml":
            return 200, "application/xml", self._urlset(range(len(self.postings)))
        if path == "/sitemap.xml.gz":
            return 200, "application/gzip", gzip.compress(self._urlset(range(len(self.postings))))
        if path == "/sitemap-broken.xml":
            return 200, "application/xml", b"pas du XML"
        if path == "/sitemap_index.xml":
            return 200, "application/xml", self._sitemap_index()
        if path.startswith("/sitemaps/jobs-") and path.endswith(".xml.gz"):
            part = path.removeprefix("/sitemaps/jobs-").removesuffix(".xml.gz")
            if part.isdigit() and int(part) < self._parts():
                return 200, "application/gzip", gzip.compress(self._urlset(self._part(int(part))))
        if path.startswith("/jobs/?page="):
            return 200, html_type, self._listing(int(path.rsplit("=", 1)[1])).encode()
        if path.startswith("/jobs/") and path.removeprefix("/jobs/").removesuffix(".html").isdigit():
            i = int(path.removeprefix("/jobs/").removesuffix(".html"))
            if i < len(self.postings):
                posting = self.postings[i]
                return 200, html_type, _page(posting["title"], json.dumps(posting, ensure_ascii=False)).encode()
        if self.extras and path in self._extras():
            return self._extras()[path]
        return 404, html_type, _page("introuvable", None).encode()

    def _urlset(self, indexes: range) -> bytes:
        urls = "".join(f"<url><loc>{self.url}/jobs/{i}.html</loc><lastmod>{self.lastmod[i]}</lastmod></url>"
                       for i in indexes)  # fmt: skip
        return (f'<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="{_SITEMAP_NS}">{urls}</urlset>').encode()

    def _parts(self) -> int:
        return (len(self.postings) + PER_SITEMAP - 1) // PER_SITEMAP

    def _part(self, n: int) -> range:
        return range(n * PER_SITEMAP, min((n + 1) * PER_SITEMAP, len(self.postings)))

    def _sitemap_index(self) -> bytes:
        parts = "".join(f"<sitemap><loc>{self.url}/sitemaps/jobs-{n}.xml.gz</loc>"
                        f"<lastmod>{max(self.lastmod[i] for i in self._part(n))}</lastmod></sitemap>"
                        for n in range(self._parts()))  # fmt: skip
        xml = f'<?xml version="1.0" encoding="UTF-8"?><sitemapindex xmlns="{_SITEMAP_NS}">{parts}</sitemapindex>'
        return xml.encode()

    def _listing(self, page: int) -> str:
        start = (page - 1) * PER_PAGE
        links = [f'<a href="/jobs/{i}.html">offre {i}</a>'
                 for i in range(start, min(start + PER_PAGE, len(self.postings)))]
        if start + PER_PAGE < len(self.postings):
            links.append(f'<a href="/jobs/?page={page + 1}">suivant</a>')
        if page == 1 and self.extras:
            links += [f'<a href="{p}">x</a>' for p in self._extras()] + ['<a href="https://example.org/ailleurs">x</a>']
        return _page(f"Offres page {page}", None, "<ul>" + "".join(f"<li>{a}</li>" for a in links) + "</ul>")

    def _extras(self) -> dict[str, tuple[int, str, bytes]]:
        html_type = "text/html; charset=utf-8"
        first = self.postings[0]
        repost = dict(first, identifier="site-repost-0", title=first["title"] + " - CDI",
                      description=first["description"].replace(
                          "</p><p>", "</p><p>Poste à pourvoir rapidement. ", 1))  # fmt: skip
        english = dict(first, identifier="site-en", title="Data engineer",
                       description="<p>We are looking for a data engineer to join our team. You will work with the "
                       "platform team and you will build our pipelines in the cloud "
                       "for all of our customers.</p>")  # fmt: skip
        no_desc = {k: v for k, v in first.items() if k != "description"} | {"identifier": "site-nodesc"}
        latin1 = dict(first, identifier="site-latin1", title="Électricien bâtiment (H/F)",
                      description="<p>Entreprise d'électricité générale recherche un électricien qualifié pour des "
                      "chantiers de rénovation.</p><ul><li>Câblage des tableaux</li>"
                      "<li>Mise en conformité</li></ul>")  # fmt: skip
        big = _page("Grande page", json.dumps(dict(first, identifier="site-big")), "<p>" + "x" * 5_000_000 + "</p>")
        return {
            "/jobs/repost-0.html": (200, html_type, _page("repost", json.dumps(repost, ensure_ascii=False)).encode()),
            "/jobs/english.html": (200, html_type, _page("en", json.dumps(english)).encode()),
            "/jobs/nodesc.html": (200, html_type, _page("nodesc", json.dumps(no_desc)).encode()),
            "/jobs/malformed.html": (200, html_type, _page("bad", '{"@type": "JobPosting", "title": "x",,}').encode()),
            "/jobs/broken.html": (200, html_type,
                                  b"<html><body><div><p>pas de balise fermante <a href='/jobs/?page=1'"),
            "/jobs/latin1.html": (200, "text/html; charset=iso-8859-1",
                                  _page("latin1", json.dumps(latin1, ensure_ascii=False), charset="iso-8859-1")
                                  .encode("latin-1")),  # fmt: skip
            "/jobs/big.html": (200, html_type, big.encode()),
            "/private/hidden.html": (200, html_type, _page("privé", json.dumps(dict(first, identifier="p"))).encode()),
        }


def load_offers(path: Any, limit: int | None = None) -> list[dict]:
    """France Travail objects of a (gzip) JSON lines file, for the site's content."""
    import gzip

    offers = []
    with gzip.open(path, "rt", encoding="utf-8") as f:
        for line in f:
            offer = json.loads(line)
            if offer.get("description"):
                offers.append(offer)
            if limit and len(offers) >= limit:
                break
    return offers


def today() -> str:
    return datetime.now().date().isoformat()
