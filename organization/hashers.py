"""The hasher for one-time passwords only.

A one-time password is 10 characters drawn at random from 31 (about 49.5 bits), unlike a password a
person chooses, so it needs no expensive key stretching to resist guessing from a stolen hash: 2^49
guesses at even 1,000 PBKDF2 rounds each is out of reach. Django's default (PBKDF2, 1,000,000
rounds) costs 0.5–1 s per password on a 2-core server (0.95 s measured under load), 25–45 minutes for
the demo province's 2,722 new logins; this one costs 1.3 ms. It is never the default hasher (it is listed after it in
PASSWORD_HASHERS), so the password the cadre chooses at the first login, and any other, is hashed
with the default; Django also re-hashes the one-time password with the default on the first
successful login.
"""

from django.contrib.auth.hashers import PBKDF2PasswordHasher


class OneTimePasswordHasher(PBKDF2PasswordHasher):
    algorithm = "ktlearn_onetime_pbkdf2_sha256"
    iterations = 1_000

    def must_update(self, encoded):
        return True  # a cadre's own password is always hashed with the default hasher
