"""Where this package came from. Written by ``attentive spec regen``, not by the generator or by hand."""

VENDOR_SPEC_SHA256 = "13c33862141c0cc0ada1c62e86dc05b012730fda896312c62cebb31f124473e4"
OVERLAYS_SHA256 = "8a3482bfe65e55df2d3c0405fecb280e1d77c95e9a10eb61bdb254a714ab14e9"
EFFECTIVE_SPEC_SHA256 = "fefb4df7c35cdfe921b54df6f308af47227e1bf595be4c7e208444d7ce2b2711"
TEMPLATES_SHA256 = "c8b62f39a1c62d924cb3676abb14258c8a6fbec6a3cab98b129a599c65fdce88"
GENERATOR_CONFIG_SHA256 = "9146f6c8252833fd4fe43a6de1ffbe7b190b4119278fb0c6b2a3a3aef6078409"
RUNTIME_SHA256 = "120cbac07fcd7ba74da32c51b66b3ae3ad0ae62f9ad1113332bffcd26a3534ae"
GENERATOR = "openapi-python-client 0.29.1"
