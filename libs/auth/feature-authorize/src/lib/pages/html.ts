/** Escapes text for HTML element content and double-quoted attribute values. */
export function escapeHtml(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** A fragment of HTML that is already safe (built with `html` or escaped). */
export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

/** Tagged template: interpolated strings are escaped, SafeHtml (and arrays of it) inserted as is. */
export function html(strings: TemplateStringsArray, ...values: Array<string | number | SafeHtml | SafeHtml[] | undefined | null>): SafeHtml {
  let out = strings[0];
  values.forEach((value, i) => {
    if (value instanceof SafeHtml) out += value.value;
    else if (Array.isArray(value)) out += value.map((v) => v.value).join('');
    else if (value !== undefined && value !== null) out += escapeHtml(String(value));
    out += strings[i + 1];
  });
  return new SafeHtml(out);
}

/** How a page looks: the client's name, logo and colour (seed 002 branding). */
export interface PageBranding {
  clientName: string;
  logoUrl: string | null;
  primaryColor: string;
}

export const DEFAULT_BRANDING: PageBranding = { clientName: 'Sigma IAM', logoUrl: null, primaryColor: '#1f4f99' };

const COLOR = /^#[0-9a-fA-F]{3,8}$/;

/**
 * The page around every form: no script at all, one nonce'd style element (the strict CSP in
 * page-response.ts allows nothing else), labels for every field, a main landmark and a heading.
 */
export function layout(title: string, branding: PageBranding, styleNonce: string, body: SafeHtml): string {
  const color = COLOR.test(branding.primaryColor) ? branding.primaryColor : DEFAULT_BRANDING.primaryColor;
  const logo = branding.logoUrl && /^https:\/\//.test(branding.logoUrl) ? html`<img class="logo" src="${branding.logoUrl}" alt="${branding.clientName} logo" width="64" height="64">` : html``;
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${title} · ${branding.clientName}</title>
<style nonce="${styleNonce}">
body{font-family:system-ui,sans-serif;margin:0;background:#f4f5f7;color:#1b1d21}
main{max-width:26rem;margin:3rem auto;background:#fff;padding:2rem;border-radius:.5rem;box-shadow:0 1px 4px rgba(0,0,0,.15)}
h1{font-size:1.4rem;margin-top:0}
label{display:block;margin:.8rem 0 .3rem;font-weight:600}
label.inline{display:inline}
input[type=text],input[type=password]{width:100%;box-sizing:border-box;padding:.6rem;font-size:1rem;border:1px solid #888;border-radius:.3rem}
button{margin-top:1rem;padding:.6rem 1.2rem;font-size:1rem;border-radius:.3rem;border:1px solid ${color};background:${color};color:#fff;cursor:pointer}
button.secondary{background:#fff;color:${color}}
.error{color:#a40000;font-weight:600}
.methods{margin-top:1.5rem;border-top:1px solid #ddd;padding-top:1rem}
ul.scopes{padding-left:1.2rem}
</style>
</head>
<body>
<main>
${logo}
<h1>${title}</h1>
${body}
</main>
</body>
</html>`.value;
}
