"""axe-core on every page type of a throwaway instance, on a phone and on a desktop, by role.

    python -m check.axe_run [--quick] [--all-impacts] [--database-url URL]

axe-core comes bundled in the pinned `axe-playwright-python` package (no download); Playwright
drives Debian's Chromium (CHROMIUM, default /usr/bin/chromium), as the browser tests do. Each page is
opened signed out or signed in with the role that can see it, at 360 × 740 and 1280 × 800. The run
fails (exit 1) on any serious or critical violation, or when a page does not answer 200 (404 for
the error page), so that a sign-in that silently failed cannot pass as a clean login page.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import time
from collections import Counter

from axe_playwright_python.sync_playwright import Axe
from openpyxl import load_workbook
from playwright.sync_api import sync_playwright

from check.web_instance import ACCOUNTS, DEMO_PASSWORD, Instance, throwaway_instance

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
VIEWPORTS = {
    "phone": {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True,
              "locale": "vi-VN", "device_scale_factor": 2},
    "desktop": {"viewport": {"width": 1280, "height": 800}, "locale": "vi-VN"},
}
FAILING_IMPACTS = {"serious", "critical"}


def pages_by_role(instance: Instance) -> dict[str, list[tuple[str, str, int]]]:
    """(page type, path, expected status) for each role."""
    ids = instance.ids
    return {
        "anonymous": [
            ("home", "/", 200), ("search with results", "/search?q=xo%C3%A0i", 200),
            ("search empty", "/search?q=zzzzqqq", 200), ("search demand", "/search?type=demand", 200),
            ("listing", f"/listings/{ids['any_listing']}", 200), ("demand list", "/demand", 200),
            ("demand detail", f"/demand/{ids['demand']}", 200), ("directory", "/orgs", 200),
            ("org page", f"/orgs/{ids['seller_org']}", 200), ("products", "/products", 200),
            ("sign-in", "/login", 200), ("register", "/register", 200), ("forgot password", "/password/forgot", 200),
            ("catalog (demo, standing)", "/catalogs/san-pham-ocop-dong-thap", 200),
            ("catalog filtered", "/catalogs/san-pham-ocop-dong-thap?ocop=4&cert=vietgap", 200),
            ("fairs", "/fairs", 200), ("fair", f"/fairs/{ids['fair_slug']}", 200),
            ("trace page", f"/t/{ids['lot_code']}", 200), ("tourism", "/tourism", 200),
            ("tourism offer", f"/tourism/{ids['tourism_offer']}", 200),
            ("join with a code", "/join", 200),
            ("price board", "/prices", 200), ("price board filtered", "/prices?q=xoai&market=farm_gate", 200),
            ("product prices", f"/prices/{ids['price_product']}", 200),
            ("error 404", "/no-such-page", 404),
        ],
        "seller": [
            ("home (chair)", "/", 200),
            ("listing form (new)", "/listings/new", 200),
            ("listing form (edit)", f"/listings/{ids['listing']}/edit", 200),
            ("own listings", f"/orgs/{ids['seller_org']}/listings", 200),
            ("credentials", f"/orgs/{ids['seller_org']}/credentials", 200),
            ("org edit", f"/orgs/{ids['seller_org']}/edit", 200),
            ("bank account", f"/orgs/{ids['seller_org']}/bank", 200),
            ("statement", f"/orgs/{ids['seller_org']}/statement", 200), ("matches", "/matches", 200),
            ("inbox", "/inbox", 200), ("orders", "/orders", 200), ("account", "/account", 200),
            ("alerts", "/alerts", 200), ("notifications", "/notifications", 200),
            ("demand detail (offer form)", f"/demand/{ids['demand']}", 200),
            ("listing (own)", f"/listings/{ids['listing']}", 200),
            ("search with results (save alert)", "/search?q=xo%C3%A0i", 200),
            ("tourism offer form (new)", "/tourism/offers/new", 200), ("tourism bookings", "/tourism/bookings", 200),
            ("tourism calendar", "/tourism/calendar", 200), ("lots (club)", "/lots", 200),
            ("lot form (new)", "/lots/new", 200),
            ("members", f"/orgs/{ids['seller_org']}/members", 200),
            ("household form (new)", f"/orgs/{ids['seller_org']}/members/households/new", 200),
            ("household", f"/orgs/{ids['seller_org']}/members/households/{ids['household']}", 200),
            ("verification (board)", f"/orgs/{ids['seller_org']}/verification", 200),
            ("cooperative membership (club)", f"/orgs/{ids['seller_org']}/cooperative-members", 200),
            ("market bulletin (club)", f"/orgs/{ids['seller_org']}/bulletin", 200),
            ("club activity (board)", f"/orgs/{ids['seller_org']}/activity", 200),
            ("activity form (new)", f"/orgs/{ids['seller_org']}/activity/new", 200),
            ("activity form (edit)", f"/orgs/{ids['seller_org']}/activity/{ids['club_activity']}/edit", 200),
            ("concern form (new)", f"/orgs/{ids['seller_org']}/concerns/new", 200),
        ],
        "director": [
            ("cooperative members (cooperative)", f"/orgs/{ids['director_org']}/cooperative-members", 200),
            ("org page (cooperative, member clubs)", f"/orgs/{ids['director_org']}", 200),
            ("lots", "/lots", 200), ("lot", f"/lots/{ids['lot_code']}", 200), ("lot form (new)", "/lots/new", 200),
            ("chains", "/chains", 200), ("chain (party)", f"/chains/{ids['chain']}", 200),
        ],
        "buyer": [
            ("home (buyer)", "/", 200),
            ("demand form (new)", "/demand/new", 200),
            ("demand form (edit)", f"/demand/{ids['buyer_demand']}/edit", 200),
            ("own demand", f"/orgs/{ids['buyer_org']}/demand", 200), ("inbox", "/inbox", 200),
            ("thread", f"/inbox/{ids['conversation']}", 200), ("orders", "/orders", 200),
            ("order", f"/orders/{ids['order']}", 200),
            ("new conversation", f"/conversations/new?listing_id={ids['any_listing']}", 200),
            ("org page (own)", f"/orgs/{ids['buyer_org']}", 200),
            ("listing (order form)", f"/listings/{ids['any_listing']}", 200),
            ("demand detail (own, offers)", f"/demand/{ids['buyer_demand']}", 200),
            ("matches", "/matches", 200),
            ("chains", "/chains", 200), ("chain", f"/chains/{ids['chain']}", 200),
            ("chain form (new)", "/chains/new", 200),
        ],
        "staff": [
            ("home (staff)", "/", 200),
            ("staff dashboard", "/staff", 200), ("catalogue queue", "/staff/catalogue", 200),
            ("credentials queue", "/staff/credentials", 200), ("import", "/staff/import", 200),
            ("import preview", "/staff/import", 200, preview_the_template),
            ("unapplied payments", "/staff/payments/unapplied", 200),
            ("verify buyer", f"/staff/orgs/{ids['buyer_org']}/verify", 200),
            ("contacts", "/admin/contacts", 200), ("reports", "/admin/reports", 200),
            ("catalogs", "/staff/catalogs", 200),
            ("credentials (staff view)", f"/orgs/{ids['seller_org']}/credentials", 200),
            ("fairs (staff)", "/staff/fairs", 200), ("chains (staff)", "/staff/chains", 200),
            ("cooperatives (staff)", "/staff/cooperatives", 200),
            ("targets dashboard", "/staff/targets", 200),
            ("targets records (OCOP)", "/staff/targets/ocop_products", 200),
            ("verification queue", "/staff/verification", 200),
            ("verification record", f"/staff/verification/{ids['seller_org']}", 200),
            ("plan reports", "/reports", 200), ("file a plan report", "/reports/file?unit=82&period=2026", 200),
            ("concerns (staff)", "/staff/concerns", 200),
            ("concerns filtered (staff)", "/staff/concerns?status=&overdue=1", 200),
            ("concern (staff)", f"/staff/concerns/{ids['concern']}", 200),
            ("club activity (staff)", f"/orgs/{ids['seller_org']}/activity", 200),
            ("reference prices (staff)", "/staff/prices", 200),
            ("reference price (edit)", f"/staff/prices/{ids['reference_price']}/edit", 200),
        ],
        "admin": [("users", "/admin/users", 200)],
    }


QUICK = {"anonymous": {"home", "search with results", "listing", "sign-in", "error 404", "trace page", "tourism offer"},
         "seller": {"home (chair)", "listing form (new)", "tourism bookings"},
         "director": {"lot", "lot form (new)", "chain (party)"},
         "buyer": {"home (buyer)", "thread", "order", "chain form (new)"},
         "staff": {"home (staff)", "catalogue queue", "chains (staff)"},
         "admin": {"users"}}


def preview_the_template(page) -> None:
    """From the import page, upload the template with its example marks cleared: the preview of
    every sheet (what will be stored, adjustments, the confirmation and its verification box)."""
    workbook = load_workbook(io.BytesIO(page.request.get("/staff/import/template.xlsx").body()))
    for sheet in workbook.worksheets[1:]:
        for row in range(2, sheet.max_row + 1):
            sheet.cell(row, 1).value = None  # the "Ví dụ" mark: without it the rows are imported
    buffer = io.BytesIO()
    workbook.save(buffer)
    page.set_input_files("input[type=file]", files=[{
        "name": "mau.xlsx", "buffer": buffer.getvalue(),
        "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}])
    page.locator("[data-testid=import-submit]").click()
    page.locator("[data-testid=import-confirm]").wait_for()


def serious_violations(page) -> list[dict]:
    """axe's serious and critical violations on the page as it is now."""
    results = Axe().run(page)
    return [v for v in results.response["violations"] if v.get("impact") in FAILING_IMPACTS]


def all_violations(page) -> list[dict]:
    return Axe().run(page).response["violations"]


def sign_in(page, email: str) -> None:
    page.goto("/login")
    page.fill("input[name=identifier]", email)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.locator("form:has(input[name=password]) [type=submit]").click()
    page.wait_for_load_state()
    if page.locator("form[action='/logout']").count() == 0:
        raise RuntimeError(f"could not sign in as {email}")


def main(argv: list[str] | None = None) -> int:
    options = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    options.add_argument("--quick", action="store_true", help="a few key pages (CI)")
    options.add_argument("--all-impacts", action="store_true", help="also list moderate and minor violations")
    options.add_argument("--database-url", default=None)
    args = options.parse_args(argv)
    started = time.monotonic()
    checked = 0
    failures: list[str] = []
    other = Counter()
    with throwaway_instance(args.database_url) as instance, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        for role, pages in pages_by_role(instance).items():
            for viewport, settings in VIEWPORTS.items():
                context = browser.new_context(base_url=instance.base_url, **settings)
                page = context.new_page()
                if role != "anonymous":
                    sign_in(page, ACCOUNTS[role])
                for name, path, expected, *then in pages:
                    if args.quick and name not in QUICK[role]:
                        continue
                    response = page.goto(path)
                    if then and response is not None and response.status == expected:
                        then[0](page)  # a page reached by acting on this one (a form's result)
                    page.wait_for_load_state("networkidle")
                    checked += 1
                    where = f"{role:9} {viewport:7} {name} ({path})"
                    if response is None or response.status != expected:
                        failures.append(f"{where}: status {response.status if response else 'none'}, not {expected}")
                        continue
                    violations = all_violations(page)
                    serious = [v for v in violations if v.get("impact") in FAILING_IMPACTS]
                    for violation in violations:
                        if violation.get("impact") not in FAILING_IMPACTS:
                            other[(violation["id"], violation.get("impact"))] += 1
                            if args.all_impacts:
                                print(f"      {violation['impact']} {violation['id']}: "
                                      + "; ".join(" ".join(node["target"]) for node in violation["nodes"][:4]))
                    for violation in serious:
                        targets = "; ".join(" ".join(node["target"]) for node in violation["nodes"][:4])
                        failures.append(f"{where}: {violation['impact']} {violation['id']} "
                                        f"({len(violation['nodes'])}×) {targets}")
                    print(f"  {'ok ' if not serious else 'BAD'} {where}", flush=True)
                context.close()
        browser.close()
    print("\n== axe summary (axe-core bundled in axe-playwright-python)")
    print(f"page views checked: {checked} (phone 360 px and desktop 1280 px; signed out, seller, cooperative "
          "director, buyer, staff, admin)")
    print(f"serious or critical violations: {len(failures)}")
    for line in failures:
        print("  " + line)
    lesser = ", ".join(f"{rule} {impact} ×{count}" for (rule, impact), count in sorted(other.items()))
    print(f"moderate or minor (not failing): {lesser or 'none'}")
    print(f"time: {(time.monotonic() - started) / 60:.1f} min")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
