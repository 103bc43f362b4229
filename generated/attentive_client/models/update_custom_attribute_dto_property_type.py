from ..types import OpenStrEnum


class UpdateCustomAttributeDtoPropertyType(OpenStrEnum):
    BOOLEAN = "boolean"
    DATE = "date"
    ENUM = "enum"
    NUMBER = "number"
    STRING = "string"
