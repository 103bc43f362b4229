"""Hand-written tooling around the generated Attentive API V2 client.

Folders: ``spec`` (overlays, audit, generation, drift), ``server`` (the reference target),
``bulk`` (streaming bulk import), ``cli`` (the ``attentive`` command).
"""

__version__ = "0.1.0"
