from enum import StrEnum


class CreateUserAttributesRequestDtoV2SubscriptionsItemChannel(StrEnum):
    EMAIL = "EMAIL"
    TEXT = "TEXT"

    def __str__(self) -> str:
        return str(self.value)
