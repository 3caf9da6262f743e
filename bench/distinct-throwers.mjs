// The 1,000-fingerprint storm of the bench app. The module's fingerprint is the error type, the
// message with numbers, hex and quoted values normalised away, and the top application frames
// (`functionName@file`). So each thrower differs in a letters-only word in its message AND in its
// function name: the fingerprints differ whatever part of that the module keys on.

/** Letters only (g–z, never a hex digit), so no normalisation rule turns two words into one. */
function word(k) {
  const letters = 'ghijklmnopqrstuvwxyz';
  let out = '';
  let n = k;
  do {
    out = letters[n % letters.length] + out;
    n = Math.floor(n / letters.length);
  } while (n > 0);
  return out;
}

/** `count` functions, each throwing an Error with its own message from a frame with its own name. */
export function distinctThrowers(count) {
  return Array.from({ length: count }, (_, k) => {
    const name = `fail_${word(k)}`;
    const message = `boom ${word(k)}`;
    // A computed method name gives the function its name, and the stack frame shows it.
    return {
      [name]() {
        throw new Error(message);
      },
    }[name];
  });
}
