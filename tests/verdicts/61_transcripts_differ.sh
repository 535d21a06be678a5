# claim: the port keeps the behaviour
# expect: not reproduced
# The event server's transcript loses its last line: no longer the same game.
f=$RUN/61_transcript_event.txt
sed '$d' "$f" >"$f.new" && mv "$f.new" "$f"
