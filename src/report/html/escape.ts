/**
 * Escaping for the HTML report. Everything that comes from a profile or a result (names, URLs,
 * error classes, rules) goes through `html()` before it is written into the page, and data for
 * the page's script goes through `scriptJson()`, so no value can close an element or a script.
 */

/** Text and attribute values: the five characters HTML gives meaning to. */
export function html(text: string | number): string {
  return String(text)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/**
 * JSON to place inside `<script type="application/json">`: `<`, `>` and `&` become \u escapes
 * (so `</script>` and `<!--` cannot appear), as do U+2028/U+2029. JSON.parse reads them back.
 * Non-finite numbers become null, as JSON.stringify does.
 */
export function scriptJson(data: unknown): string {
  return JSON.stringify(data)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}
