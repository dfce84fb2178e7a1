"""API schemas of accounts."""
from marshmallow import fields, validate

from app.common.schemas import BaseSchema


class TokenRequestSchema(BaseSchema):
    email = fields.String(required=True, validate=validate.Length(min=3, max=254))
    password = fields.String(required=True, validate=validate.Length(min=1, max=1024))


class UserSchema(BaseSchema):
    id = fields.Integer()
    email = fields.String()
    name = fields.String()
    phone = fields.String(allow_none=True)
    nik = fields.String(allow_none=True)
    roles = fields.List(fields.String())
    groups = fields.List(fields.String(), attribute="group_keys")
    email_verified = fields.Boolean()


class RegistrationSchema(UserSchema):
    status = fields.String(metadata={"description": "accepted: check the mailbox (the same for a taken address)"})


class TokenResponseSchema(BaseSchema):
    token = fields.String()
    user = fields.Nested(UserSchema)


class RegisterSchema(BaseSchema):
    email = fields.Email(required=True)
    password = fields.String(required=True, validate=validate.Length(min=8, max=256))
    name = fields.String(required=True, validate=validate.Length(min=2, max=200))
    phone = fields.String(load_default=None, validate=validate.Regexp(r"^\+?[0-9]{8,15}$"))
    nik = fields.String(load_default=None, validate=validate.Regexp(r"^[0-9]{16}$"))


class PasswordResetRequestSchema(BaseSchema):
    email = fields.String(required=True)


class PasswordResetConfirmSchema(BaseSchema):
    token = fields.String(required=True)
    password = fields.String(required=True, validate=validate.Length(min=8, max=256))


class StatusSchema(BaseSchema):
    status = fields.String(metadata={"description": "accepted (202) or ok"})


class TokenOnlySchema(BaseSchema):
    token = fields.String(required=True)


class ProfileSchema(BaseSchema):
    name = fields.String(validate=validate.Length(min=2, max=200))
    phone = fields.String(allow_none=True, validate=validate.Regexp(r"^\+?[0-9]{8,15}$"))
    nik = fields.String(allow_none=True, validate=validate.Regexp(r"^[0-9]{16}$"))
    address = fields.String(allow_none=True, validate=validate.Length(max=500))
