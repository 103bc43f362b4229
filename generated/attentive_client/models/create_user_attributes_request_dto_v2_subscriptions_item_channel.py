from ..types import OpenStrEnum


class CreateUserAttributesRequestDtoV2SubscriptionsItemChannel(OpenStrEnum):
    EMAIL = "EMAIL"
    TEXT = "TEXT"
