def userinfo(claims: dict, user) -> dict:
    """The standard claims of a test user. Its e-mail is verified unless its username ends in
    "-unverified" (how a test asks for a provider that vouches for nothing)."""
    claims.update(
        name=user.get_full_name(),
        given_name=user.first_name,
        family_name=user.last_name,
        preferred_username=user.username,
        email=user.email,
        email_verified=not user.username.endswith("-unverified"),
    )
    return claims
