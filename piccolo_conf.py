"""Piccolo configuration: the engine comes from DATABASE_URL (see core.settings)."""

from piccolo.conf.apps import AppRegistry

from core.db import engine_from_url
from core.settings import get_settings

# Piccolo's own commands (migrations) use the unpooled engine so that they exit when done.
DB = engine_from_url(get_settings().database_url, pooled=False)

APP_REGISTRY = AppRegistry(apps=["piccolo_app"])
