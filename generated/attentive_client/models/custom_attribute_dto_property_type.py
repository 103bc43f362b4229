from ..types import OpenStrEnum


class CustomAttributeDtoPropertyType(OpenStrEnum):
    BOOLEAN = "boolean"
    DATE = "date"
    ENUM = "enum"
    NUMBER = "number"
    STRING = "string"
