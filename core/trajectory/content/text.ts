/**
 * Makes a concatenated string flat. Template literals build V8 rope strings, which `JSON.stringify` walks much more
 * slowly than flat ones (see `drawId`); converting a string to a number flattens it in place, the cheapest way to
 * get there without copying it by hand.
 */
export function flat(text: string): string {
  // The conversion's result is not needed: the side effect (the flattened string) is.
  Number(text);
  return text;
}

export function capitalize(text: string): string {
  return text.length === 0 ? text : text.charAt(0).toUpperCase() + text.slice(1);
}

/** `value` with one decimal, as a finding states a percentage. */
export function oneDecimal(value: number): string {
  return (Math.round(value * 10) / 10).toFixed(1);
}
