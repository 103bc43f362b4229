"""Hand-written tooling around the generated Attentive API V2 client.

Folders: ``spec`` (overlays, audit, generation, drift), ``upgrade`` (``attentive spec update``), ``server`` (the
reference target), ``bulk`` (streaming bulk import), ``conformance`` (the schemathesis suite's machinery), ``cli``
(the ``attentive`` command). The client's runtime is not here: it is the project's top-level ``runtime/``, imported
as ``attentive_client.runtime`` only.
"""

__version__ = "0.1.0"
