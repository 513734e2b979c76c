import { decodeHTMLStrict } from 'entities';

/**
 * OpenCart stores what users typed after PHP's htmlspecialchars(ENT_COMPAT) (NOTES §1), and its Twig
 * templates print it with autoescape off. So text read from oc_* must be decoded before it goes to a
 * marketplace, and text written into oc_* must be encoded the same way or the admin shows it wrong.
 */

/**
 * Plain text from OpenCart's stored form. Strict decoding (entities need their ';'), as PHP's
 * html_entity_decode does, so a stray "&copy" in data that bypassed OpenCart stays as typed.
 */
export function decodeOcText(stored: string): string;
export function decodeOcText(stored: string | null): string | null;
export function decodeOcText(stored: string | null): string | null {
  if (stored === null) return null;
  return stored.includes('&') ? decodeHTMLStrict(stored) : stored;
}

const ENCODE: Record<string, string> = { '&': '&amp;', '"': '&quot;', '<': '&lt;', '>': '&gt;' };

/**
 * Exactly htmlspecialchars($s, ENT_COMPAT, 'UTF-8'): &, ", < and > only; single quotes stay; existing
 * entities are encoded again (double_encode defaults to true), just as OpenCart's request filter does.
 */
export function encodeOcText(plain: string): string {
  return plain.replace(/[&"<>]/g, (ch) => ENCODE[ch] ?? ch);
}

/** Length as MySQL counts VARCHAR(n) for utf8mb4: in code points, not UTF-16 units. */
export function charLength(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

/**
 * PHP's json_encode() with default flags, which is how OpenCart writes custom_field columns and serialized
 * settings: '/' is escaped and every non-ASCII character becomes \uXXXX (surrogate pairs for astral ones).
 */
export function phpJsonEncode(value: unknown): string {
  const json = JSON.stringify(value);
  if (json === undefined) throw new TypeError('value cannot be JSON-encoded');
  let out = '';
  for (let i = 0; i < json.length; i++) {
    const ch = json[i] as string;
    const code = json.charCodeAt(i);
    if (ch === '/') out += '\\/';
    else if (code > 0x7f) out += '\\u' + code.toString(16).padStart(4, '0');
    else out += ch;
  }
  return out;
}
