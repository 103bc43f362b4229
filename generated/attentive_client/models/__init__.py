"""Contains all the data models used in inputs/outputs"""

from .bulk_job_status_response import BulkJobStatusResponse
from .bulk_job_status_response_status import BulkJobStatusResponseStatus
from .bulk_success_response import BulkSuccessResponse
from .create_user_attributes_request_dto_v2 import CreateUserAttributesRequestDtoV2
from .create_user_attributes_request_dto_v2_attributes import CreateUserAttributesRequestDtoV2Attributes
from .create_user_attributes_request_dto_v2_attributes_custom import CreateUserAttributesRequestDtoV2AttributesCustom
from .create_user_attributes_request_dto_v2_attributes_demographic import (
    CreateUserAttributesRequestDtoV2AttributesDemographic,
)
from .create_user_attributes_request_dto_v2_attributes_locale import CreateUserAttributesRequestDtoV2AttributesLocale
from .create_user_attributes_request_dto_v2_attributes_location import (
    CreateUserAttributesRequestDtoV2AttributesLocation,
)
from .create_user_attributes_request_dto_v2_identifiers import CreateUserAttributesRequestDtoV2Identifiers
from .create_user_attributes_request_dto_v2_subscriptions_item import CreateUserAttributesRequestDtoV2SubscriptionsItem
from .create_user_attributes_request_dto_v2_subscriptions_item_channel import (
    CreateUserAttributesRequestDtoV2SubscriptionsItemChannel,
)
from .create_user_attributes_request_dto_v2_subscriptions_item_subscription_type import (
    CreateUserAttributesRequestDtoV2SubscriptionsItemSubscriptionType,
)
from .custom_attribute_dto import CustomAttributeDto
from .custom_attribute_dto_property_type import CustomAttributeDtoPropertyType
from .custom_attribute_usages_list import CustomAttributeUsagesList
from .custom_event import CustomEvent
from .custom_event_properties import CustomEventProperties
from .custom_event_user import CustomEventUser
from .custom_events import CustomEvents
from .custom_identifier import CustomIdentifier
from .get_me_response_dto_v2 import GetMeResponseDtoV2
from .segment_member import SegmentMember
from .segment_members import SegmentMembers
from .subscription_locale import SubscriptionLocale
from .success import Success
from .update_custom_attribute_dto import UpdateCustomAttributeDto
from .update_custom_attribute_dto_property_type import UpdateCustomAttributeDtoPropertyType
from .user_attributes import UserAttributes

__all__ = (
    "BulkJobStatusResponse",
    "BulkJobStatusResponseStatus",
    "BulkSuccessResponse",
    "CreateUserAttributesRequestDtoV2",
    "CreateUserAttributesRequestDtoV2Attributes",
    "CreateUserAttributesRequestDtoV2AttributesCustom",
    "CreateUserAttributesRequestDtoV2AttributesDemographic",
    "CreateUserAttributesRequestDtoV2AttributesLocale",
    "CreateUserAttributesRequestDtoV2AttributesLocation",
    "CreateUserAttributesRequestDtoV2Identifiers",
    "CreateUserAttributesRequestDtoV2SubscriptionsItem",
    "CreateUserAttributesRequestDtoV2SubscriptionsItemChannel",
    "CreateUserAttributesRequestDtoV2SubscriptionsItemSubscriptionType",
    "CustomAttributeDto",
    "CustomAttributeDtoPropertyType",
    "CustomAttributeUsagesList",
    "CustomEvent",
    "CustomEventProperties",
    "CustomEvents",
    "CustomEventUser",
    "CustomIdentifier",
    "GetMeResponseDtoV2",
    "SegmentMember",
    "SegmentMembers",
    "SubscriptionLocale",
    "Success",
    "UpdateCustomAttributeDto",
    "UpdateCustomAttributeDtoPropertyType",
    "UserAttributes",
)
