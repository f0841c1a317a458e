"""UPREST Learning: a Flask learning-management plugin for small tourism businesses."""

from flask import Flask

from uprest.config import Config
from uprest.plugin import Uprest

__all__ = ["Uprest", "create_app"]


def create_app(config: type | dict | None = None) -> Flask:
    """The standalone application: Flask, UPREST's extensions and ``Uprest().init_app``."""
    app = Flask(__name__, static_folder=None, instance_relative_config=True)
    app.config.from_object(Config)
    if isinstance(config, dict):
        app.config.update(config)
    elif config is not None:
        app.config.from_object(config)
    Uprest().init_app(app, standalone=True)
    return app
