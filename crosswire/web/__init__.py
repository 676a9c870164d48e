"""The dashboard (``crosswire serve``): ``crosswire.web.app.create_app(engine)``."""
