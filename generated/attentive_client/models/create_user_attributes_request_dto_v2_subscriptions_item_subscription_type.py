from ..types import OpenStrEnum


class CreateUserAttributesRequestDtoV2SubscriptionsItemSubscriptionType(OpenStrEnum):
    MARKETING = "MARKETING"
    TRANSACTIONAL = "TRANSACTIONAL"
