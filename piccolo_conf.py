"""Piccolo configuration: the engine comes from DATABASE_URL (see core.settings)."""

from piccolo.conf.apps import AppRegistry

from core.db import engine_from_url
from core.settings import get_settings

DB = engine_from_url(get_settings().database_url)

APP_REGISTRY = AppRegistry(apps=["models.piccolo_app"])
