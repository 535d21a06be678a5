"""61_guesses.py - the guesses the book's server draws for the book's games,
on this interpreter (CPython 2.7 or 3.x): random.seed(1234), then for each
game randint(lo, hi) drawn again while it repeats a guess, until the client's
secret. One CSV row per guess: python,game,try,guess. Written for conclab.
"""
import random
import sys

random.seed(1234)
version = "%d.%d" % sys.version_info[:2]
print("python,game,try,guess")
for game, (lo, hi, secret) in enumerate(((1, 5, 3), (10, 15, 12)), 1):
    given = []
    while len(given) < 5:
        guess = random.randint(lo, hi)
        while guess in given:
            guess = random.randint(lo, hi)
        given.append(guess)
        print("%s,%d,%d,%d" % (version, game, len(given), guess))
        if guess == secret:
            break
