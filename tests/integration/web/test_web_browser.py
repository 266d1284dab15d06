"""Scenarios in a real browser (Playwright + Debian's chromium) against a real uvicorn server:
search, filter, open an occupation, export CSV, download a module draft, review a skill.

Every page opened is saved as a screenshot under the pytest tmp dir (fixture ``shots``).
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow


@pytest.fixture
def page(browser, server: str):
    context = browser.new_context(base_url=server, locale="fr-FR", accept_downloads=True,
                                  viewport={"width": 1280, "height": 900})
    context.set_default_timeout(60_000)
    p = context.new_page()
    yield p
    context.close()


def _shot(page, shots: Path, name: str) -> None:
    page.screenshot(path=str(shots / f"{name}.png"), full_page=True)


def test_search_finds_manoeuvre_without_the_ligature(page, shots: Path) -> None:
    page.goto("/app/")
    page.get_by_label("Métier, appellation ou code ROME").fill("manoeuvre")
    page.keyboard.press("Enter")
    page.wait_for_url("**/app/?q=manoeuvre")
    assert page.locator("#res-title").is_visible()
    assert page.get_by_role("link", name="Manœuvre").first.is_visible() or "Manœuvre" in page.content()
    _shot(page, shots, "accueil-recherche")


def test_open_occupation_filter_and_export_csv(page, shots: Path) -> None:
    page.goto("/app/?q=M1805")
    page.locator("table a[href='/app/metiers/M1805']").first.click()
    page.wait_for_url("**/app/metiers/M1805")
    assert page.locator("h1").inner_text().endswith("M1805")
    assert page.locator("#competences tbody tr").count() > 0
    _shot(page, shots, "metier")
    page.get_by_label("Région").select_option("84")
    page.get_by_role("button", name="Appliquer").click()
    page.wait_for_url("**region=84**")
    assert page.get_by_label("Région").input_value() == "84"
    _shot(page, shots, "metier-filtre")
    with page.expect_download() as info:
        page.locator("p.exports", has_text="Compétences demandées").get_by_role("link", name="CSV").click()
    text = Path(info.value.path()).read_text(encoding="utf-8-sig")
    assert text.splitlines()[0].startswith("compétence,identifiant")


def test_download_a_module_draft(page, shots: Path) -> None:
    page.goto("/app/metiers/M1801/modules")
    assert page.locator("article.module").count() > 0
    _shot(page, shots, "modules")
    with page.expect_download() as info:
        page.locator("article.module").first.get_by_role("link", name="DOCX").click()
    assert info.value.suggested_filename.endswith(".docx")
    with zipfile.ZipFile(info.value.path()) as z:
        assert "word/document.xml" in z.namelist()
    with page.expect_download() as info:
        page.locator("article.module").first.get_by_role("link", name="Markdown").click()
    assert Path(info.value.path()).read_text(encoding="utf-8").strip()


def test_other_pages_render(page, shots: Path) -> None:
    for path, name in [("/app/signaux", "signaux"), ("/app/methodologie", "methodologie"),
                       ("/app/offres/france_travail:APITEST0001", "offre")]:
        page.goto(path)
        assert page.locator("html").get_attribute("lang") == "fr"
        _shot(page, shots, name)
    page.goto("/app/metiers/M1805")
    href = page.locator("a[href^='/app/certifications/']").first.get_attribute("href")
    page.goto(href)
    assert page.locator("h1 .code").inner_text().startswith(("RNCP", "RS"))
    _shot(page, shots, "certification")


def test_reviewer_rejects_a_skill_and_it_leaves_the_uncovered_list(page, shots: Path, reviewer_key: str) -> None:
    page.goto("/app/connexion?suite=/app/metiers/M1801")
    page.get_by_label("Clé d'API").fill(reviewer_key)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url("**/app/metiers/M1801")
    assert "Relectrice OPMQ" in page.locator("header").inner_text()
    row = page.locator("#competences tbody tr[data-status='uncovered']").first
    skill = row.get_attribute("data-skill")
    label = row.locator("th").inner_text().splitlines()[0]
    row.get_by_role("link", name="Relire").click()  # htmx loads the form into the row
    form = row.locator("form.review-form")
    form.wait_for()
    form.get_by_label("rejetée").check()
    form.get_by_label("Commentaire").fill("pas une compétence : nom d'outil interne")
    _shot(page, shots, "relecture")
    form.get_by_role("button", name="Enregistrer la décision").click()
    page.wait_for_url("**/app/metiers/M1801**")
    page.locator("#rejetees").wait_for()
    uncovered = page.locator("#competences tbody tr[data-status='uncovered']")
    assert skill not in [uncovered.nth(i).get_attribute("data-skill") for i in range(uncovered.count())]
    assert label in page.locator("#rejetees").inner_text()
    assert "rejetée par un relecteur" in page.locator("#rejetees").inner_text()
    _shot(page, shots, "metier-apres-relecture")
    page.goto("/app/relectures")
    assert label in page.locator("main table").inner_text()
    _shot(page, shots, "relectures")
