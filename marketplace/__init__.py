"""Chợ Hội Quán: the marketplace linking farmer clubs, cooperatives and buyers."""

from __future__ import annotations

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

from marketplace import page_cache
from marketplace.config import PROJECT_ROOT, load_config


class IdConverter(IntegerConverter):
    """`<int:…>` in every route: a number that cannot be an id (ids are 32-bit in PostgreSQL)
    matches no route, so /orders/99999999999999999999 is a 404, not a database error."""

    def __init__(self, url_map, *args, **kwargs) -> None:
        from marketplace.numbers import MAX_ID

        kwargs.setdefault("max", MAX_ID)
        super().__init__(url_map, *args, **kwargs)


def create_app(config: dict | None = None) -> Flask:
    app = Flask(
        __name__,
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
        instance_path=str(PROJECT_ROOT / "instance"),
    )
    app.config.update(load_config(config))
    if app.config["TRUSTED_PROXIES"]:
        # Behind the HTTPS proxy, the client is the address the proxy saw: rate limits (sign-in,
        # registration, reset) are per person, not one budget for everyone (issue #14).
        count = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count)
    app.url_map.converters["int"] = IdConverter
    register_extensions(app)
    register_blueprints(app)
    register_cli(app)
    # Last: every other request hook (a fair catalog's visit counter, the security headers) runs
    # for a kept page too, and the page is kept before the compression (after_request runs last
    # registered first).
    page_cache.init_app(app)
    return app


def register_extensions(app: Flask) -> None:
    from marketplace import (
        db,
        errors,
        i18n,
        log_config,
        mail,
        request_text,
        security,
        sessions,
        shared_data,
        static_files,
        templating,
    )
    from marketplace.changes import jobs as change_log_jobs
    from marketplace.credentials import evidence
    from marketplace.extensions import compress, csrf, limiter, login_manager
    from marketplace.listings.photos import checks as photo_checks
    from marketplace.listings.photos import decoding as photo_decoding
    from marketplace.listings.photos import services as photos
    from marketplace.notifications import jobs as notification_jobs
    from marketplace.search import services as search
    from marketplace.storage import storage_from_config

    log_config.init_app(app)
    request_text.init_app(app)
    db.init_app(app)
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.session_protection = "basic"
    sessions.init_app(app)
    i18n.init_app(app)
    mail.init_app(app)
    search.init_app(app)
    # One store of uploaded files for photos and scans: a folder, or a bucket shared by every host.
    app.extensions["storage"] = storage = storage_from_config(app.config)
    photos.init_app(app, storage)
    # Scans of credentials are checked and decoded as listing photos are; credentials sit below
    # listings, so the photo checks are handed to them here.
    evidence.init_app(app, evidence.ImageReader(
        inspect=photo_checks.inspect_photo, process=photo_decoding.process_image,
        rejected=photo_checks.PhotoRejected, describe=photo_checks.rejection_message,
        limits=app.extensions["photo_limits"]), storage)
    security.init_app(app)
    errors.register_error_handlers(app)
    templating.init_app(app)
    static_files.init_app(app)
    shared_data.init_app(app)
    compress.init_app(app)

    @app.after_request
    def compress_whole_answers(response):
        # Part of a file (206, a Range request) goes as it is: its Content-Range counts the file's
        # own bytes, which a compressed body would not match.
        if response.status_code == 206 or "Content-Range" in response.headers:
            return response
        return compress.after_request(response)
    # Worker jobs of packages without pages; the others register theirs with their blueprint.
    change_log_jobs.init_app(app)
    notification_jobs.init_app(app)


def register_blueprints(app: Flask) -> None:
    from marketplace.accounts.views import bp as accounts_bp
    from marketplace.activity.views import bp as activity_bp
    from marketplace.admin.views import bp as admin_bp
    from marketplace.alerts.views import bp as alerts_bp
    from marketplace.api import init_app as init_api
    from marketplace.catalogue.views import bp as catalogue_bp
    from marketplace.chains.views import bp as chains_bp
    from marketplace.cooperatives.member_views import bp as coop_members_bp
    from marketplace.cooperatives.views import bp as cooperatives_bp
    from marketplace.credentials.views import bp as credentials_bp
    from marketplace.dashboard.views import bp as dashboard_bp
    from marketplace.demand.views import bp as demand_bp
    from marketplace.fairs import catalog_staff  # noqa: F401  # the staff's catalog pages, on catalogs_bp
    from marketplace.fairs.catalog_views import bp as catalogs_bp
    from marketplace.fairs.meeting_views import bp as fair_meetings_bp
    from marketplace.fairs.outcome_views import bp as fair_outcomes_bp
    from marketplace.fairs.staff_views import bp as fair_staff_bp
    from marketplace.fairs.views import bp as fairs_bp
    from marketplace.imports.views import bp as imports_bp
    from marketplace.listings.media_views import bp as media_bp
    from marketplace.listings.photo_views import bp as listing_photos_bp
    from marketplace.listings.views import bp as listings_bp
    from marketplace.main.views import bp as main_bp
    from marketplace.market.bulletin_views import bp as bulletin_bp
    from marketplace.market.views import bp as market_bp
    from marketplace.matching.views import bp as matching_bp
    from marketplace.members.views import bp as members_bp
    from marketplace.messaging.views import bp as messaging_bp
    from marketplace.notifications.views import bp as notices_bp
    from marketplace.orders.payments.stripe_views import bp as stripe_payments_bp
    from marketplace.orders.views import bp as orders_bp
    from marketplace.places.views import bp as places_bp
    from marketplace.reports.dashboard_views import bp as targets_bp
    from marketplace.reports.report_views import bp as reports_bp
    from marketplace.search.views import bp as search_bp
    from marketplace.tourism.views import bp as tourism_bp
    from marketplace.traceability.trace_views import bp as trace_bp
    from marketplace.traceability.views import bp as lots_bp
    from marketplace.verification.views import bp as verification_bp

    app.register_blueprint(main_bp)
    app.register_blueprint(dashboard_bp)
    app.register_blueprint(accounts_bp)
    app.register_blueprint(places_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(targets_bp)
    app.register_blueprint(catalogue_bp)
    app.register_blueprint(media_bp)
    app.register_blueprint(credentials_bp)
    app.register_blueprint(verification_bp)
    app.register_blueprint(listings_bp)
    app.register_blueprint(listing_photos_bp)
    app.register_blueprint(demand_bp)
    app.register_blueprint(imports_bp)
    app.register_blueprint(search_bp)
    app.register_blueprint(matching_bp)
    app.register_blueprint(messaging_bp)
    app.register_blueprint(alerts_bp)
    app.register_blueprint(orders_bp)
    app.register_blueprint(stripe_payments_bp)
    app.register_blueprint(fairs_bp)
    app.register_blueprint(fair_staff_bp)
    app.register_blueprint(catalogs_bp)
    app.register_blueprint(fair_meetings_bp)
    app.register_blueprint(fair_outcomes_bp)
    app.register_blueprint(lots_bp)
    app.register_blueprint(trace_bp)
    app.register_blueprint(tourism_bp)
    app.register_blueprint(cooperatives_bp)
    app.register_blueprint(coop_members_bp)
    app.register_blueprint(chains_bp)
    app.register_blueprint(bulletin_bp)
    app.register_blueprint(members_bp)
    app.register_blueprint(activity_bp)
    app.register_blueprint(notices_bp)
    app.register_blueprint(reports_bp)
    app.register_blueprint(market_bp)
    init_api(app)


def register_cli(app: Flask) -> None:
    from marketplace.cli import register_commands

    register_commands(app)
