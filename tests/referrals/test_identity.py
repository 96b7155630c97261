"""Identity keys: normalised, keyed, and different for different people and purposes."""

import hashlib
import hmac
import re
from datetime import date

from referrals import identity

BORN = date(1987, 3, 14)


def test_names_typed_differently_give_the_same_person_key():
    one = identity.person_key("Zoë  O'Neil-Smith", BORN)
    assert identity.person_key("zoe oneilsmith", BORN) == one
    assert identity.person_key("  ZOE   O’NEIL-SMITH ", BORN) == one


def test_a_different_date_of_birth_gives_a_different_person_key():
    assert identity.person_key("Sam Example", BORN) != identity.person_key(
        "Sam Example", date(1987, 3, 15)
    )


def test_postcodes_with_and_without_spaces_give_the_same_address_key():
    one = identity.address_key("zz99 9zz", "Flat 7")
    assert identity.address_key("ZZ999ZZ", "flat  7") == one
    assert identity.address_key(" Zz99  9ZZ ", "FLAT 7.") == one


def test_a_different_house_gives_a_different_address_key():
    assert identity.address_key("ZZ99 9ZZ", "Flat 7") != identity.address_key("ZZ99 9ZZ", "Flat 8")


def test_keys_are_the_hmac_sha256_of_the_normalised_input_in_lowercase_hex(settings):
    key = identity.person_key("Zebedee  Quillfeather", BORN)
    assert re.fullmatch(r"[0-9a-f]{64}", key)
    message = b"person\x1fzebedee quillfeather\x1f1987-03-14"
    secret = settings.IDENTITY_HASH_KEY.encode()
    assert key == hmac.new(secret, message, hashlib.sha256).hexdigest()
    assert "zebedee" not in key


def test_the_key_depends_on_the_secret(settings):
    before = identity.person_key("Sam Example", BORN)
    settings.IDENTITY_HASH_KEY = "another-secret-key-of-plenty-of-length-000"
    assert identity.person_key("Sam Example", BORN) != before


def test_person_and_address_keys_never_collide_for_the_same_text():
    # The purpose is part of the hashed message.
    assert identity._keyed_hash("person", "a", "b") != identity._keyed_hash("address", "a", "b")


def test_normalising_strips_accents_punctuation_and_extra_spaces():
    assert identity.normalise_text("  Renée  Ó'Brien-Núñez ") == "renee obriennunez"
    assert identity.normalise_postcode("sw1a 1aa") == "SW1A1AA"
    assert identity.normalise_date_of_birth(BORN) == "1987-03-14"
