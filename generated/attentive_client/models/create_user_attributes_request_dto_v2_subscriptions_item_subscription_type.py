from enum import StrEnum


class CreateUserAttributesRequestDtoV2SubscriptionsItemSubscriptionType(StrEnum):
    MARKETING = "MARKETING"
    TRANSACTIONAL = "TRANSACTIONAL"

    def __str__(self) -> str:
        return str(self.value)
